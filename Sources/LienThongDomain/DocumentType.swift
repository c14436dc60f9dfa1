/// A type of administrative document and its abbreviation (Decree 30/2020/NĐ-CP, Appendix III).
public struct DocumentType: Hashable, Sendable, Codable {
    /// Vietnamese name, e.g. "Chỉ thị".
    public let name: String
    /// The abbreviation in the symbol (`CT` in `12/CT-UBND`); empty for a Công văn, whose symbol
    /// names the drafting unit instead.
    public let abbreviation: String

    public init(name: String, abbreviation: String) {
        self.name = name
        self.abbreviation = abbreviation
    }

    public var isOfficialLetter: Bool { abbreviation.isEmpty }

    /// Công văn: the abbreviation `CV` is accepted on input, but the symbol carries none.
    public static let officialLetter = DocumentType(name: "Công văn", abbreviation: "")

    /// The types Decree 30 names, with their abbreviations.
    public static let standard: [DocumentType] = [
        ("Nghị quyết", "NQ"), ("Quyết định", "QĐ"), ("Chỉ thị", "CT"), ("Quy chế", "QC"), ("Quy định", "QyĐ"),
        ("Thông cáo", "TC"), ("Thông báo", "TB"), ("Hướng dẫn", "HD"), ("Chương trình", "CTr"), ("Kế hoạch", "KH"),
        ("Phương án", "PA"), ("Đề án", "ĐA"), ("Dự án", "DA"), ("Báo cáo", "BC"), ("Biên bản", "BB"),
        ("Tờ trình", "TTr"), ("Hợp đồng", "HĐ"), ("Công điện", "CĐ"), ("Bản ghi nhớ", "BGN"),
        ("Bản thỏa thuận", "BTT"), ("Giấy ủy quyền", "GUQ"), ("Giấy mời", "GM"), ("Giấy giới thiệu", "GGT"),
        ("Giấy nghỉ phép", "GNP"), ("Phiếu gửi", "PG"), ("Phiếu chuyển", "PC"), ("Phiếu báo", "PB"),
    ].map { DocumentType(name: $0.0, abbreviation: $0.1) }
}

/// The document types an installation accepts: Decree 30's and the agency-defined ones (KL, Kết luận …).
public struct DocumentTypeCatalog: Sendable {
    public let types: [DocumentType]

    public init(additional: [DocumentType] = []) {
        types = DocumentType.standard + additional
    }

    /// Finds a type by its abbreviation or its name; `CV` and "Công văn" are the official letter.
    /// Matching is on NFC text, so a name typed in decomposed form is still found.
    public func resolve(_ text: String) throws(DomainError) -> DocumentType {
        let wanted = text.trimmingWhitespace().nfc
        if ["CV", "Công văn".nfc].contains(wanted) { return .officialLetter }
        if let found = types.first(where: { $0.abbreviation.nfc == wanted })
            ?? types.first(where: { $0.name.nfc.lowercased() == wanted.lowercased() })
        {
            return found
        }
        throw .invalid(
            field: "document type", value: text,
            rule: "use an abbreviation from Decree 30 (" + types.prefix(8).map(\.abbreviation).joined(separator: ", ")
                + ", …) or CV for a Công văn")
    }
}
