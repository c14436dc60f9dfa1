/// `GET /v1/admin/audit/verify`: the whole chain checked.
public struct AuditCheck: Codable, Sendable {
    public var entries: Int
    /// The last good entry's hash; kept elsewhere, it also proves nothing was cut from the end.
    public var headHash: String
    /// The first entry that does not hold, and why.
    public var firstBroken: Int64?
    public var problem: String?

    public init(entries: Int, headHash: String, firstBroken: Int64?, problem: String?) {
        self.entries = entries
        self.headHash = headHash
        self.firstBroken = firstBroken
        self.problem = problem
    }
}

/// `GET /v1/admin/audit`: an entry of the audit log.
public struct AuditEntry: Codable, Sendable {
    public var id: Int64
    /// UTC.
    public var at: String
    public var actor: String
    public var agency: String
    public var action: String
    public var subject: String
    public var detail: String
    public var hash: String

    public init(
        id: Int64, at: String, actor: String, agency: String, action: String, subject: String, detail: String,
        hash: String
    ) {
        self.id = id
        self.at = at
        self.actor = actor
        self.agency = agency
        self.action = action
        self.subject = subject
        self.detail = detail
        self.hash = hash
    }
}
