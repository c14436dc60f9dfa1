import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// The directory (danh mục): agencies, their users and the users' tokens.
public struct DirectoryStore: Sendable {
    let database: RegistryDatabase

    /// Inserts agencies, users and tokens that are not there yet; never changes existing rows.
    public func seed(agencies: [AgencyRecord], users: [UserRecord], tokens: [TokenRecord] = []) async throws {
        try await database.write { db in
            var added: [String] = []
            for agency in agencies where try AgencyRecord.lookUp(db, agency.code) == nil {
                try agency.insert(db)
                added.append(agency.code)
            }
            for user in users where try UserRecord.lookUp(db, user.username) == nil {
                try user.insert(db)
                added.append(user.username)
            }
            for token in tokens where try TokenRecord.lookUp(db, token.sha256) == nil { try token.insert(db) }
            if !added.isEmpty {
                try AuditLog.append(
                    db, actor: "setup", agency: "", action: "directory.seeded",
                    subject: "\(added.count) agencies and users",
                    detail: added.joined(separator: ", "), at: Date())
            }
        }
    }

    public func agency(_ code: String) throws -> AgencyRecord? {
        try database.pool.unsafeRead { try AgencyRecord.lookUp($0, code) }
    }

    /// What importing one agency did.
    public enum ImportOutcome: String, Sendable { case added, updated, unchanged }

    /// Adds or updates an agency's name, abbreviation and parent; keys and retirement stay as they are.
    public func importAgency(
        code: String, name: String, abbreviation: String, parentCode: String?, actor: String
    ) async throws -> ImportOutcome {
        try await database.write { db in
            let outcome = try self.importAgency(
                db, code: code, name: name, abbreviation: abbreviation, parentCode: parentCode)
            if outcome != .unchanged {
                try AuditLog.append(
                    db, actor: actor, agency: code, action: "agency.\(outcome.rawValue)", subject: code,
                    detail: "\(name) (\(abbreviation)), parent \(parentCode ?? "none")", at: Date())
            }
            return outcome
        }
    }

    private func importAgency(
        _ db: Database, code: String, name: String, abbreviation: String, parentCode: String?
    ) throws -> ImportOutcome {
        if let parentCode, try AgencyRecord.lookUp(db, parentCode) == nil {
            throw RegistryError.unknownAgency(parentCode)
        }
        guard var agency = try AgencyRecord.lookUp(db, code) else {
            try AgencyRecord(
                code: code, name: name, abbreviation: abbreviation, parentCode: parentCode, isActive: true,
                sealCertificatePath: nil, sealKeyPath: nil
            ).insert(db)
            return .added
        }
        guard agency.name != name || agency.abbreviation != abbreviation || agency.parentCode != parentCode else {
            return .unchanged
        }
        agency.name = name
        agency.abbreviation = abbreviation
        agency.parentCode = parentCode
        try agency.update(db)
        return .updated
    }

    /// Retires an agency; documents addressed to it go to `successor` from now on.
    public func retire(_ code: String, successor: String?, actor: String, at now: Date) async throws -> AgencyRecord {
        try await database.write { db in
            guard var agency = try AgencyRecord.lookUp(db, code) else { throw RegistryError.unknownAgency(code) }
            if let successor {
                guard successor != code, let next = try AgencyRecord.lookUp(db, successor) else {
                    throw RegistryError.unknownAgency(successor)
                }
                guard next.isActive else { throw RegistryError.retiredSuccessor(successor) }
            }
            agency.isActive = false
            agency.successorCode = successor
            agency.retiredAt = agency.retiredAt ?? now
            try agency.update(db)
            try AuditLog.append(
                db, actor: actor, agency: code, action: "agency.retired", subject: code,
                detail: "successor \(successor ?? "none")", at: now)
            return agency
        }
    }

    /// The agency that now answers for `code`: itself if active, else its successor's successor …
    /// Returns the codes passed through; nil when the chain ends at a retired agency.
    public func resolve(_ code: String) throws -> (agency: AgencyRecord, via: [String])? {
        // Without a snapshot: a retirement is never undone, so a successor read after a merger
        // committed only takes the chain further along.
        try database.pool.unsafeRead { db in
            var via: [String] = []
            var current = try AgencyRecord.lookUp(db, code)
            while let agency = current, !agency.isActive {
                guard let next = agency.successorCode, !via.contains(agency.code), via.count < 16 else { return nil }
                via.append(agency.code)
                current = try AgencyRecord.lookUp(db, next)
            }
            return current.map { ($0, via) }
        }
    }

    public func agencies() throws -> [AgencyRecord] {
        try database.pool.read { try AgencyRecord.order(Column("code")).fetchAll($0) }
    }

    /// The user a token belongs to, if the token is known, unrevoked and unexpired at `date`.
    public func user(tokenSHA256: String, at date: Date) throws -> UserRecord? {
        try database.pool.unsafeRead { db in
            guard let token = try TokenRecord.lookUp(db, tokenSHA256), token.isValid(at: date) else { return nil }
            return try UserRecord.lookUp(db, token.username)
        }
    }

    public func user(_ username: String) throws -> UserRecord? {
        try database.pool.unsafeRead { try UserRecord.lookUp($0, username) }
    }

    /// Users of the given agencies with their tokens, by username.
    public func users(agencies: Set<String>) throws -> [(UserRecord, [TokenRecord])] {
        try database.pool.read { db in
            let users = try UserRecord.filter(agencies.contains(Column("agencyCode"))).order(Column("username"))
                .fetchAll(db)
            let tokens = Dictionary(
                grouping: try TokenRecord.filter(users.map(\.username).contains(Column("username")))
                    .order(Column("createdAt")).fetchAll(db), by: \.username)
            return users.map { ($0, tokens[$0.username] ?? []) }
        }
    }

    /// Adds a user with a first token, or only the token for an existing user (a new one beside the others).
    public func addUser(_ user: UserRecord?, token: TokenRecord, actor: String) async throws {
        try await database.write { db in
            if let user {
                try user.insert(db)
                try AuditLog.append(
                    db, actor: actor, agency: user.agencyCode, action: "user.added", subject: user.username,
                    detail: "\(user.fullName), \(user.position), \(user.role.rawValue)", at: token.createdAt)
            }
            guard let owner = try UserRecord.lookUp(db, token.username) else { throw RegistryError.notFound }
            try token.insert(db)
            // A new token gives back what a revocation took.
            try UserRecord.filter(key: owner.username).updateAll(db, Column("accessRevokedAt").set(to: nil))
            try AuditLog.append(
                db, actor: actor, agency: owner.agencyCode, action: "token.issued", subject: token.username,
                detail: "expires \(VietnamTime.iso8601(token.expiresAt, utc: true)), hash \(token.sha256.prefix(12))…",
                at: token.createdAt)
        }
    }

    /// Revokes every valid token of a user, and the user's access by client certificate and
    /// signing key, until a new token is issued; withdraws every approval the user had open, so that
    /// none outlives the revocation. Returns how many tokens.
    public func revokeTokens(of username: String, actor: String, at now: Date) async throws -> Int {
        try await database.write { db in
            guard let owner = try UserRecord.lookUp(db, username) else { throw RegistryError.notFound }
            let count = try TokenRecord.filter(Column("username") == username && Column("revokedAt") == nil)
                .updateAll(db, Column("revokedAt").set(to: now))
            try UserRecord.filter(key: username).updateAll(db, Column("accessRevokedAt").set(to: now))
            let approvals =
                try SignerApprovalRecord
                .filter(
                    Column("signerUsername") == username && Column("withdrawnAt") == nil && Column("documentID") == nil
                )
                .updateAll(db, Column("withdrawnAt").set(to: now))
            try AuditLog.append(
                db, actor: actor, agency: owner.agencyCode, action: "token.revoked", subject: username,
                detail: "\(count) tokens, \(approvals) open approvals; certificate access and signing key suspended",
                at: now)
            return count
        }
    }

    public func users(agency: String, role: UserRole) throws -> [UserRecord] {
        try database.pool.unsafeRead {
            try UserRecord.fetchAll(
                $0.cachedStatement(sql: "SELECT * FROM user WHERE agencyCode = ? AND role = ? ORDER BY username"),
                arguments: [agency, role.rawValue])
        }
    }
}
