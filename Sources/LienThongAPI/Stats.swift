import LienThongDomain

/// `GET /v1/stats`: an agency's (or its subtree's) figures over a period, with the ratios and the
/// definitions they were computed by.
public struct StatsReport: Codable, Sendable {
    public var agency: AgencyRef
    /// Whether the agencies under it (by parent) are counted too.
    public var subtree: Bool
    /// How many agencies were counted.
    public var agencyCount: Int
    /// Days in Vietnam, inclusive.
    public var from: String
    public var to: String
    /// total, month or agency.
    public var by: String
    public var definitions: RatioDefinitions
    public var rows: [StatsRow]
    public var total: StatsRow

    public init(
        agency: AgencyRef, subtree: Bool, agencyCount: Int, from: String, to: String, by: String,
        definitions: RatioDefinitions, rows: [StatsRow], total: StatsRow
    ) {
        self.agency = agency
        self.subtree = subtree
        self.agencyCount = agencyCount
        self.from = from
        self.to = to
        self.by = by
        self.definitions = definitions
        self.rows = rows
        self.total = total
    }
}

public struct StatsRow: Codable, Sendable {
    /// The month (YYYY-MM), the agency code, or "total".
    public var key: String
    /// The agency's name when grouped by agency.
    public var label: String?
    public var figures: DocumentFigures
    public var ratios: [Ratio]

    public init(key: String, label: String?, figures: DocumentFigures, ratios: [Ratio]) {
        self.key = key
        self.label = label
        self.figures = figures
        self.ratios = ratios
    }
}
