/// A document's number and symbol (số, ký hiệu), e.g. `553/BC-UBND` or `47/UBND-TTr`.
///
/// Numbers run from 01 each year per issuing agency and register, with a leading zero below 10.
public struct NumberAndSymbol: Hashable, Sendable, Codable, CustomStringConvertible {
    public let number: Int
    public let symbol: String

    /// Forms the symbol: type abbreviation then issuer (`BC-UBND`); for a Công văn the issuer then
    /// the drafting unit (`UBND-TTr`). A copy names its form instead of the type (`SY-UBND`); an
    /// advisory body stands in for the issuer (`QĐ-HĐTĐ`). No spaces.
    public init(
        number: Int, type: DocumentType, issuerAbbreviation: String, draftingUnit: String? = nil,
        series: NumberSeries = .main
    ) throws(DomainError) {
        guard number >= 1 else { throw .invalid(field: "number", value: String(number), rule: "numbers start at 01") }
        var issuer = try Self.part("issuer abbreviation", issuerAbbreviation)
        if case .advisory(let body) = series { issuer = try Self.part("advisory body", body) }
        let symbol: String
        if case .copy(let form) = series {
            symbol = "\(form.rawValue)-\(issuer)"
        } else if type.isOfficialLetter {
            guard let draftingUnit, !draftingUnit.trimmingWhitespace().isEmpty else {
                throw .missing(field: "drafting unit (a Công văn's symbol is issuer-unit, e.g. UBND-TTr)")
            }
            symbol = "\(issuer)-\(try Self.part("drafting unit", draftingUnit))"
        } else {
            symbol = "\(type.abbreviation.nfc)-\(issuer)"
        }
        try FieldLimit.symbol.check(symbol)
        try FieldLimit.number.check(Self.format(number))
        self.number = number
        self.symbol = symbol
    }

    /// `01` … `09`, then `10`, `553` …
    public static func format(_ number: Int) -> String { number < 10 ? "0\(number)" : String(number) }

    public var description: String { "\(Self.format(number))/\(symbol)" }

    private static func part(_ field: String, _ text: String) throws(DomainError) -> String {
        let value = text.trimmingWhitespace().nfc
        guard !value.isEmpty, !value.contains(where: { $0.isWhitespace || $0 == "/" }) else {
            throw .invalid(field: field, value: text, rule: "symbols have no spaces or slashes")
        }
        return value
    }
}
