import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// The audit log: every change, chained by hash so that a removed or edited entry shows.
public struct AuditStore: Sendable {
    let database: RegistryDatabase

    /// Checks the whole audit chain and names the first entry that does not hold.
    public func verify() throws -> AuditVerification {
        try database.pool.read { try AuditLog.verify($0) }
    }

    /// Records an event that changes no row of its own (a configuration reload).
    public func record(actor: String, action: String, detail: String) async throws {
        try await database.write {
            try AuditLog.append($0, actor: actor, agency: "", action: action, subject: "", detail: detail, at: Date())
        }
    }

    /// The newest audit entries, newest first.
    public func entries(limit: Int) throws -> [AuditEntryRecord] {
        try database.pool.read { try AuditEntryRecord.order(Column("id").desc).limit(limit).fetchAll($0) }
    }
}
