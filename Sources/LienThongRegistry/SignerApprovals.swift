import Foundation
import GRDB
import LienThongDomain

/// A signer's consent (phê duyệt) that their key sign one exact file: the main document whose
/// SHA-256 it names. A clerk of the same agency uses it once, before it expires, to send.
///
/// The signer's key is the signer's signature in law; the clerk who sends never holds that
/// consent in their own name, so the daemon needs it from the signer, file by file.
public struct SignerApprovalRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signerApproval"
    public var id: String
    public var agencyCode: String
    public var signerUsername: String
    /// The SHA-256 of the main document's bytes, as the signer read them.
    public var sha256: String
    /// What the signer wrote for the clerk, e.g. the subject or "gửi các xã".
    public var note: String?
    public var createdAt: Date
    public var expiresAt: Date
    public var withdrawnAt: Date?
    /// The document it signed, once used.
    public var documentID: String?

    public init(
        id: String, agencyCode: String, signerUsername: String, sha256: String, note: String?, createdAt: Date,
        expiresAt: Date,
        withdrawnAt: Date? = nil, documentID: String? = nil
    ) {
        self.id = id
        self.agencyCode = agencyCode
        self.signerUsername = signerUsername
        self.sha256 = sha256
        self.note = note
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.withdrawnAt = withdrawnAt
        self.documentID = documentID
    }

    /// Why it can no longer be used at `date`, if it cannot.
    public func unusable(at date: Date) -> String? {
        if let documentID { return "it was already used, for document \(documentID)" }
        if let withdrawnAt {
            return "it was withdrawn at \(VietnamTime.iso8601(withdrawnAt)), by the signer or with the signer's access"
        }
        if expiresAt <= date { return "it expired at \(VietnamTime.iso8601(expiresAt))" }
        return nil
    }
}

/// Signers' approvals (ký duyệt) of the exact bytes their key may sign, each used once.
public struct ApprovalStore: Sendable {
    let database: RegistryDatabase

    public func grant(_ approval: SignerApprovalRecord) async throws {
        try await database.write { db in
            try approval.insert(db)
            try AuditLog.append(
                db, actor: approval.signerUsername, agency: approval.agencyCode, action: "approval.granted",
                subject: approval.id,
                detail: "file \(approval.sha256), until \(VietnamTime.iso8601(approval.expiresAt, utc: true))",
                at: approval.createdAt)
        }
    }

    public func approval(_ id: String) throws -> SignerApprovalRecord? {
        try database.pool.read { try SignerApprovalRecord.fetchOne($0, key: id) }
    }

    /// The approvals of an agency that can still be used at `date`, newest first.
    public func open(agency: String, at date: Date) throws -> [SignerApprovalRecord] {
        try database.pool.read {
            try SignerApprovalRecord
                .filter(
                    Column("agencyCode") == agency && Column("expiresAt") > date && Column("documentID") == nil
                        && Column("withdrawnAt") == nil
                )
                .order(Column("createdAt").desc).fetchAll($0)
        }
    }

    /// Withdraws an approval that was not used yet; nil if it was used or withdrawn meanwhile.
    public func withdraw(_ id: String, actor: String, at date: Date) async throws -> SignerApprovalRecord? {
        try await database.write { db in
            try db.execute(
                sql:
                    "UPDATE signerApproval SET withdrawnAt = ? WHERE id = ? AND documentID IS NULL AND withdrawnAt IS NULL",
                arguments: [date, id])
            guard db.changesCount == 1, let approval = try SignerApprovalRecord.fetchOne(db, key: id) else {
                return nil
            }
            try AuditLog.append(
                db, actor: actor, agency: approval.agencyCode, action: "approval.withdrawn", subject: id,
                detail: "file \(approval.sha256)", at: date)
            return approval
        }
    }

    /// Marks the approval used by `documentID`, inside the filing transaction, so that two sends
    /// racing on one approval cannot both sign.
    static func consume(_ db: Database, id: String, documentID: String, at date: Date) throws {
        try db.execute(
            sql: """
                UPDATE signerApproval SET documentID = ? WHERE id = ? AND documentID IS NULL AND withdrawnAt IS NULL AND expiresAt > ?
                """, arguments: [documentID, id, date])
        guard db.changesCount == 1 else { throw RegistryError.approvalUsed(id) }
    }
}
