/// The number series (hệ thống số) an outgoing document takes its number from. Decree 30 gives
/// copies and the advisory bodies that issue under the agency's seal series of their own, each
/// running from 01 every year beside the agency's main series.
public enum NumberSeries: Hashable, Sendable, CustomStringConvertible {
    /// The agency's own documents.
    case main
    /// Bản sao: copies made by the agency, one series for every form of copy.
    case copy(CopyForm)
    /// Tổ chức tư vấn: a council, board or team that signs as issuer with the agency's seal,
    /// named in the symbol by its own abbreviation (`12/QĐ-HĐTĐ`).
    case advisory(String)

    /// Reads `main`, `copy`, `copy:SL` or `advisory:HĐTĐ`.
    public init(parsing text: String) throws(DomainError) {
        let value = text.trimmingWhitespace().nfc
        let parts = value.split(separator: ":", maxSplits: 1).map(String.init)
        switch (parts.first?.lowercased(), parts.count) {
        case ("main"?, 1), (nil, _):
            self = .main
        case ("copy"?, 1):
            self = .copy(.certified)
        case ("copy"?, 2):
            guard let form = CopyForm(rawValue: parts[1].uppercased()) else {
                throw .invalid(
                    field: "series", value: text,
                    rule: "a copy is copy:SY (sao y), copy:SL (sao lục) or copy:TS (trích sao)")
            }
            self = .copy(form)
        case ("advisory"?, 2):
            let abbreviation = parts[1]
            guard !abbreviation.isEmpty, abbreviation.count <= 20,
                !abbreviation.contains(where: { $0.isWhitespace || $0 == "/" || $0 == "-" })
            else {
                throw .invalid(
                    field: "series", value: text,
                    rule:
                        "an advisory body is advisory:ABBREVIATION, e.g. advisory:HĐTĐ, without spaces, slashes or hyphens"
                )
            }
            self = .advisory(abbreviation)
        default:
            throw .invalid(
                field: "series", value: text, rule: "the series is main, copy[:SY|SL|TS] or advisory:ABBREVIATION")
        }
    }

    /// The register the registry counts numbers in: every form of copy shares one.
    public var register: String {
        switch self {
        case .main: "main"
        case .copy: "copy"
        case .advisory(let abbreviation): "advisory:\(abbreviation)"
        }
    }

    public var description: String {
        switch self {
        case .main: "main"
        case .copy(let form): "copy:\(form.rawValue)"
        case .advisory(let abbreviation): "advisory:\(abbreviation)"
        }
    }
}

/// The forms of copy of Decree 30, by the abbreviation their symbol carries (`05/SY-UBND`).
public enum CopyForm: String, Sendable, CaseIterable {
    /// Bản sao y.
    case certified = "SY"
    /// Bản sao lục.
    case transcribed = "SL"
    /// Bản trích sao.
    case extract = "TS"

    /// The copy's notation (hình thức sao), as a copy shows it.
    public var notation: String {
        switch self {
        case .certified: "SAO Y"
        case .transcribed: "SAO LỤC"
        case .extract: "TRÍCH SAO"
        }
    }
}
