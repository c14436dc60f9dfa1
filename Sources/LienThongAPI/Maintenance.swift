import Foundation

/// `POST /v1/admin/backup`: a consistent copy of the registry and its files, made while serving.
public struct BackupRequest: Codable, Sendable {
    /// An absolute path on the daemon's machine, absent or empty.
    public var directory: String

    public init(directory: String) { self.directory = directory }
}

public struct BackupReport: Codable, Sendable {
    public var directory: String
    public var documents: Int
    public var files: Int
    public var bytes: Int64
    /// The audit chain's head in the copy.
    public var auditHead: String
    public var createdAt: Date
    /// What a restore needs that the backup does not hold, for the administrator to keep with it.
    public var carrySeparately: [String]

    public init(
        directory: String, documents: Int, files: Int, bytes: Int64, auditHead: String, createdAt: Date,
        carrySeparately: [String]
    ) {
        self.directory = directory
        self.documents = documents
        self.files = files
        self.bytes = bytes
        self.auditHead = auditHead
        self.createdAt = createdAt
        self.carrySeparately = carrySeparately
    }
}

/// `GET /v1/admin/check`: every stored file hashed again, and the audit chain.
public struct CheckReport: Codable, Sendable {
    public struct Problem: Codable, Sendable {
        public var sha256: String
        /// missing or changed.
        public var kind: String
        /// The documents that use the file.
        public var documents: [String]

        public init(sha256: String, kind: String, documents: [String]) {
            self.sha256 = sha256
            self.kind = kind
            self.documents = documents
        }
    }

    /// A row of legal meaning, or a table's seals, changed outside LienThong.
    public struct RowProblem: Codable, Sendable {
        public var table: String
        /// The row's label (a document's id, `DOCUMENT-ID to AGENCY` for a delivery); nil for a whole table.
        public var row: String?
        /// edited, added, deleted, seals-changed or trigger-changed.
        public var kind: String
        public var detail: String

        public init(table: String, row: String?, kind: String, detail: String) {
            self.table = table
            self.row = row
            self.kind = kind
            self.detail = detail
        }
    }

    public var files: Int
    public var bytes: Int64
    public var problems: [Problem]
    /// How many sealed rows were checked against their seals.
    public var rows: Int
    public var rowProblems: [RowProblem]
    public var audit: AuditCheck

    public init(
        files: Int, bytes: Int64, problems: [Problem], rows: Int, rowProblems: [RowProblem], audit: AuditCheck
    ) {
        self.files = files
        self.bytes = bytes
        self.problems = problems
        self.rows = rows
        self.rowProblems = rowProblems
        self.audit = audit
    }
}
