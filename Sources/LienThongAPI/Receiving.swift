import Foundation
import LienThongCrypto

/// `GET /v1/inbox`: the documents addressed to the caller's agency, newest first.
public struct InboxEntry: Codable, Sendable {
    public var id: String
    public var numberAndSymbol: String
    public var issuer: AgencyRef
    public var typeName: String
    public var subject: String
    public var urgency: String
    public var issuedAt: Date
    public var deadline: String?
    public var status: String
    public var statusName: String
    public var arrivalNumber: Int?

    public init(
        id: String, numberAndSymbol: String, issuer: AgencyRef, typeName: String, subject: String, urgency: String,
        issuedAt: Date, deadline: String?, status: String, statusName: String, arrivalNumber: Int?
    ) {
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.issuer = issuer
        self.typeName = typeName
        self.subject = subject
        self.urgency = urgency
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.status = status
        self.statusName = statusName
        self.arrivalNumber = arrivalNumber
    }
}

/// `GET /v1/overdue`: a delivery past its reply deadline, or due soon.
public struct OverdueEntry: Codable, Sendable {
    public var id: String
    public var numberAndSymbol: String
    public var subject: String
    /// The sender (incoming) or the recipient (outgoing).
    public var counterpart: AgencyRef
    public var status: String
    public var statusName: String
    public var deadline: String
    /// Working days past the deadline; 0 on the day, negative while still to come.
    public var workingDaysLate: Int

    public init(
        id: String, numberAndSymbol: String, subject: String, counterpart: AgencyRef, status: String,
        statusName: String,
        deadline: String, workingDaysLate: Int
    ) {
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.subject = subject
        self.counterpart = counterpart
        self.status = status
        self.statusName = statusName
        self.deadline = deadline
        self.workingDaysLate = workingDaysLate
    }
}

/// `POST /v1/documents/{id}/status`: what a recipient reports after registering.
public struct StatusRequest: Codable, Sendable {
    /// assigned (04), in-progress (05), completed (06), recall-accepted (15), recall-refused (16), or the code.
    public var status: String
    /// For assigned: the unit or person (at most 1000 characters).
    public var to: String?
    public var note: String?

    public init(status: String, to: String?, note: String?) {
        self.status = status
        self.to = to
        self.note = note
    }
}

/// `POST /v1/documents/{id}/recall`: the sender asks every recipient to accept a recall (13).
public struct RecallRequest: Codable, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// `POST /v1/documents/{id}/reject`.
public struct RejectRequest: Codable, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}
