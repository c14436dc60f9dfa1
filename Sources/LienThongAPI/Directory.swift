import Foundation
import LienThongCrypto

/// An agency as the directory lists it.
public struct AgencyView: Codable, Sendable {
    public var code: String
    public var name: String
    public var abbreviation: String
    public var parent: String?
    /// "active" or "retired".
    public var status: String
    public var successor: String?

    public init(code: String, name: String, abbreviation: String, parent: String?, status: String, successor: String?) {
        self.code = code
        self.name = name
        self.abbreviation = abbreviation
        self.parent = parent
        self.status = status
        self.successor = successor
    }
}

/// `POST /v1/agencies/import`: what each line of the CSV did.
public struct ImportLine: Codable, Sendable {
    public var line: Int
    /// added, updated, unchanged or rejected.
    public var outcome: String
    public var code: String?
    public var detail: String

    public init(line: Int, outcome: String, code: String?, detail: String) {
        self.line = line
        self.outcome = outcome
        self.code = code
        self.detail = detail
    }
}

/// `POST /v1/agencies/{code}/retire`.
public struct RetireRequest: Codable, Sendable {
    public var successor: String?

    public init(successor: String?) { self.successor = successor }
}

/// `GET /v1/me`.
public struct Caller: Codable, Sendable {
    public var username: String
    public var fullName: String
    public var role: String
    public var agency: AgencyRef

    public init(username: String, fullName: String, role: String, agency: AgencyRef) {
        self.username = username
        self.fullName = fullName
        self.role = role
        self.agency = agency
    }
}
