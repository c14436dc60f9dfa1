import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongDomain
import LienThongRegistry

/// Users and their tokens, kept by administrators for the agencies under their own.
package struct Users: Sendable {
    package let registry: Registry
    package let now: @Sendable () -> Date

    package func add(_ request: NewUserRequest, caller: UserRecord) async throws -> IssuedToken {
        let agencies = try administered(by: caller)
        let username = request.username.trimmingWhitespace()
        guard (3...64).contains(username.count),
            username.unicodeScalars.allSatisfy({
                ("a"..."z").contains($0) || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)
            })
        else {
            throw Refusal.invalidRequest(
                "a username is 3 to 64 lowercase letters, digits, dots, hyphens or underscores, e.g. clerk.xa-na-son"
            )
        }
        guard let role = UserRole(rawValue: request.role) else {
            throw Refusal.invalidRequest(
                "role is one of \(UserRole.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard agencies.contains(request.agency) else {
            throw Refusal.forbidden("\(request.agency) is not your agency or one under it")
        }
        guard try registry.directory.user(username) == nil else {
            throw Refusal.userExists(
                "\(username) already exists; issue a new token with `lienthong admin user token \(username)`")
        }
        let user: UserRecord
        user = UserRecord(
            username: username, fullName: try FieldLimit.signerName.check(request.fullName, required: true),
            position: try FieldLimit.signerPosition.check(request.position ?? ""), agencyCode: request.agency,
            role: role,
            certificatePath: nil, keyPath: nil)
        return try await issue(for: user, days: request.days, newUser: true, caller: caller)
    }

    package func issueToken(_ username: String, days: Int?, caller: UserRecord) async throws -> IssuedToken {
        try await issue(for: administeredUser(username, caller: caller), days: days, newUser: false, caller: caller)
    }

    package func revoke(_ username: String, caller: UserRecord) async throws -> Int {
        let user = try administeredUser(username, caller: caller)
        // The last administrator could otherwise lock everyone out of the directory and the users.
        guard user.username != caller.username else {
            throw Refusal.ownAccessRevocation(
                "ask another administrator to revoke \(caller.username)'s access")
        }
        return try await registry.directory.revokeTokens(of: user.username, actor: caller.username, at: now())
    }

    package func list(caller: UserRecord) throws -> [UserView] {
        let at = now()
        return try registry.directory.users(agencies: administered(by: caller)).map { user, tokens in
            UserView(
                username: user.username, fullName: user.fullName, position: user.position, agency: user.agencyCode,
                role: user.role.rawValue,
                tokens: tokens.map {
                    UserView.Token(
                        id: String($0.sha256.prefix(12)), createdAt: $0.createdAt, expiresAt: $0.expiresAt,
                        status: $0.revokedAt != nil ? "revoked" : $0.isValid(at: at) ? "valid" : "expired")
                })
        }
    }

    /// Who the caller is, as the API says it.
    package func me(caller: UserRecord) throws -> Caller {
        let agency = try registry.directory.agency(caller.agencyCode)
        return Caller(
            username: caller.username, fullName: caller.fullName, role: caller.role.rawValue,
            agency: AgencyRef(code: caller.agencyCode, name: agency?.name ?? ""))
    }

    private func issue(for user: UserRecord, days: Int?, newUser: Bool, caller: UserRecord) async throws -> IssuedToken
    {
        let days = days ?? 90
        guard (1...730).contains(days) else {
            throw Refusal.invalidRequest("days is how long the token lives, from 1 to 730")
        }
        let token = Tokens.generate()
        let created = now()
        let record = TokenRecord(
            sha256: Tokens.hash(token), username: user.username, createdAt: created,
            expiresAt: created.addingTimeInterval(Double(days) * 86_400))
        try await registry.directory.addUser(newUser ? user : nil, token: record, actor: caller.username)
        return IssuedToken(username: user.username, token: token, expiresAt: record.expiresAt)
    }

    /// The agencies an administrator keeps: their own and those under it.
    private func administered(by caller: UserRecord) throws -> Set<String> {
        try Permissions(caller).require(.manageUsers)
        return DocumentService.subtree(of: caller.agencyCode, in: try registry.directory.agencies())
    }

    /// A user the caller administers; any other is answered as unknown.
    private func administeredUser(_ username: String, caller: UserRecord) throws -> UserRecord {
        let agencies = try administered(by: caller)
        guard let user = try registry.directory.user(username), agencies.contains(user.agencyCode) else {
            throw Refusal.notFound(
                "no user \(username) in your agency or those under it; `lienthong admin user list` shows them")
        }
        return user
    }
}
