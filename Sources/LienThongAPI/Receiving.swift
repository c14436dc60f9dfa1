import Foundation
import LienThongCrypto

/// A document addressed to the caller's agency, as its inbox lists it.
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
    /// Opened by someone of the agency (`GET /v1/documents/{id}`).
    public var read: Bool

    public init(
        id: String, numberAndSymbol: String, issuer: AgencyRef, typeName: String, subject: String, urgency: String,
        issuedAt: Date, deadline: String?, status: String, statusName: String, arrivalNumber: Int?, read: Bool
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
        self.read = read
    }
}

/// `GET /v1/inbox?…`: what a clerk narrows the inbox to, each as typed (checked by the service). Lists are
/// comma-separated in the query.
public struct InboxQuery: Sendable {
    /// Delivery status codes or names: `01`, `accepted` ….
    public var statuses: [String] = []
    /// `normal`, `khan`, `2` ….
    public var urgencies: [String] = []
    /// The issuing agency's code.
    public var sender: String?
    /// Issued on or after `from` and on or before `to`: days in Vietnam, `2026-11-01`.
    public var from: String?
    public var to: String?
    /// Still open and past its deadline today.
    public var overdue = false
    public var unread = false
    /// Found in the number and symbol or the subject, ignoring diacritics and case.
    public var search: String?
    /// 1 to 200; 50 when not given.
    public var limit: Int?
    /// `nextCursor` of the page before.
    public var cursor: String?

    public init() {}
}

/// `GET /v1/inbox`: a page of the inbox, newest first.
public struct InboxPage: Codable, Sendable {
    public var entries: [InboxEntry]
    /// How many documents match the query in all.
    public var total: Int
    /// How many of the inbox have not been opened yet, whatever the query.
    public var unread: Int
    /// The `cursor` of the next page; absent on the last.
    public var nextCursor: String?

    public init(entries: [InboxEntry], total: Int, unread: Int, nextCursor: String?) {
        self.entries = entries
        self.total = total
        self.unread = unread
        self.nextCursor = nextCursor
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
