import Foundation

/// `POST /v1/admin/users`: a new user of an agency under the administrator's, with a first token.
public struct NewUserRequest: Codable, Sendable {
    /// 3–64 characters: lowercase letters, digits, `.`, `_`, `-` (e.g. `clerk.xa-na-son`).
    public var username: String
    public var fullName: String
    /// Chức vụ.
    public var position: String?
    public var agency: String
    /// clerk, signer, viewer, statistician or admin.
    public var role: String
    /// How long the token lives, in days (1–730, default 90).
    public var days: Int?

    public init(username: String, fullName: String, position: String?, agency: String, role: String, days: Int?) {
        self.username = username
        self.fullName = fullName
        self.position = position
        self.agency = agency
        self.role = role
        self.days = days
    }
}

/// A token, shown this once: only its hash is kept.
public struct IssuedToken: Codable, Sendable {
    public var username: String
    public var token: String
    public var expiresAt: Date

    public init(username: String, token: String, expiresAt: Date) {
        self.username = username
        self.token = token
        self.expiresAt = expiresAt
    }
}

/// `GET /v1/admin/users`.
public struct UserView: Codable, Sendable {
    public struct Token: Codable, Sendable {
        /// The first characters of the token's hash, to tell tokens apart.
        public var id: String
        public var createdAt: Date
        public var expiresAt: Date
        /// valid, expired or revoked.
        public var status: String

        public init(id: String, createdAt: Date, expiresAt: Date, status: String) {
            self.id = id
            self.createdAt = createdAt
            self.expiresAt = expiresAt
            self.status = status
        }
    }

    public var username: String
    public var fullName: String
    public var position: String
    public var agency: String
    public var role: String
    public var tokens: [Token]

    public init(username: String, fullName: String, position: String, agency: String, role: String, tokens: [Token]) {
        self.username = username
        self.fullName = fullName
        self.position = position
        self.agency = agency
        self.role = role
        self.tokens = tokens
    }
}
