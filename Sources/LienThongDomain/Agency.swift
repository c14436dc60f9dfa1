/// An agency in the directory of those that exchange documents.
public struct Agency: Hashable, Sendable, Codable {
    public var code: AgencyCode
    /// Full name, e.g. "Ủy ban nhân dân tỉnh Điện Biên" (at most 200 characters).
    public var name: String
    /// The abbreviation used in document symbols, e.g. `UBND` in `553/BC-UBND`.
    public var abbreviation: String
    public var parent: AgencyCode?
    /// Retired agencies stay in the directory: documents before the 2025 reform were sent by and to them.
    public var isActive: Bool

    public init(code: AgencyCode, name: String, abbreviation: String, parent: AgencyCode?, isActive: Bool = true) {
        self.code = code
        self.name = name
        self.abbreviation = abbreviation
        self.parent = parent
        self.isActive = isActive
    }
}
