import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// One entry of the append-only audit log: who changed what, when, chained to the entry before
/// it by hash so that no row can be edited, removed or slipped in unnoticed.
public struct AuditEntryRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "auditEntry"
    public var id: Int64?
    /// UTC to the second (`2026-11-21T08:04:05Z`), as written and as hashed.
    public var at: String
    public var actor: String
    public var agencyCode: String
    /// `document.filed`, `delivery.status`, `agency.retired` …
    public var action: String
    /// What it was done to: a document id, an agency code, a username.
    public var subject: String
    public var detail: String
    public var previousHash: String
    public var hash: String

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// SHA-256 over the previous hash and every field, each prefixed by its length so that no two
    /// different entries can hash the same text.
    var computedHash: String {
        var digest = StreamingDigest(.sha256)
        for field in [previousHash, String(id ?? 0), at, actor, agencyCode, action, subject, detail] {
            digest.update(Data("\(field.utf8.count):\(field)".utf8))
        }
        return digest.finalizeHex()
    }
}

/// What checking the whole chain found.
public struct AuditVerification: Sendable, Codable {
    public var entries: Int
    /// The last entry's hash: written down elsewhere, it also proves that nothing was cut from the end.
    public var headHash: String
    /// The first entry that does not hold, and why; nil when the chain is whole.
    public var firstBroken: Int64?
    public var problem: String?
}

enum AuditLog {
    static let genesis = String(repeating: "0", count: 64)

    /// Appends an entry in the caller's transaction, so that it commits with the change it records.
    static func append(
        _ db: Database, actor: String, agency: String, action: String, subject: String, detail: String, at date: Date
    ) throws {
        let previous = try head(db)
        var entry = AuditEntryRecord(
            id: previous.id + 1, at: VietnamTime.iso8601(date, utc: true), actor: actor, agencyCode: agency,
            action: action,
            subject: subject, detail: detail, previousHash: previous.hash, hash: "")
        entry.hash = entry.computedHash
        try entry.insert(db)
    }

    /// The last entry's id and hash; 0 and the genesis hash while the log is empty.
    static func head(_ db: Database) throws -> (id: Int64, hash: String) {
        guard
            let row = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT id, hash FROM auditEntry ORDER BY id DESC LIMIT 1"))
        else { return (0, genesis) }
        return (row["id"], row["hash"])
    }

    /// Walks the chain from the first entry: ids without gaps, each linked to the one before, each
    /// hash matching its fields.
    static func verify(_ db: Database) throws -> AuditVerification {
        var previous = genesis
        var expectedID: Int64 = 1
        var count = 0
        let cursor = try AuditEntryRecord.order(Column("id")).fetchCursor(db)
        while let entry = try cursor.next() {
            let id = entry.id ?? 0
            let problem: String? =
                if id != expectedID {
                    "entry \(expectedID) is missing (the next is \(id)): a row was deleted"
                } else if entry.previousHash != previous {
                    "entry \(id) does not follow entry \(id - 1): the chain was broken or an entry was replaced"
                } else if entry.computedHash != entry.hash {
                    "entry \(id) (\(entry.action) by \(entry.actor) at \(entry.at)) was changed after it was written"
                } else { nil }
            if let problem {
                return AuditVerification(
                    entries: count, headHash: previous, firstBroken: min(id, expectedID), problem: problem)
            }
            previous = entry.hash
            expectedID += 1
            count += 1
        }
        return AuditVerification(entries: count, headHash: previous, firstBroken: nil, problem: nil)
    }
}
