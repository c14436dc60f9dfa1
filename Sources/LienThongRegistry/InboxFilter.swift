import Foundation
import GRDB
import LienThongDomain

/// What an inbox page shows, in the registry's terms: the clerk's filters, already checked and folded.
public struct InboxFilter: Sendable {
    public var statuses: [DeliveryStatus] = []
    public var urgencies: [Urgency] = []
    /// The issuing agency's code.
    public var sender: String?
    /// Issued at or after `issuedFrom` and before `issuedBefore`: the instants Vietnam days begin.
    public var issuedFrom: Date?
    public var issuedBefore: Date?
    /// Still open and past its deadline on this day (ISO 8601, Vietnam).
    public var overdueOn: CivilDate?
    public var unreadOnly = false
    /// Folded (``SearchText``), found anywhere in the number and symbol and the subject.
    public var search: String?
    /// The page after the delivery with this id: keyset paging, stable while new documents arrive.
    public var before: Int64?
    public var limit = 50

    public init() {}

    /// The conditions and their arguments, for the deliveries joined with their documents, search texts and marks.
    func sql(agency: String) -> (conditions: [String], arguments: StatementArguments) {
        var conditions = ["delivery.recipientCode = ?", "delivery.status != ?"]
        var arguments: StatementArguments = [agency, DeliveryStatus.recallAccepted.code]
        func any(_ column: String, _ values: [any DatabaseValueConvertible]) {
            conditions.append("\(column) IN (\(Array(repeating: "?", count: values.count).joined(separator: ", ")))")
            arguments += StatementArguments(values)
        }
        if !statuses.isEmpty { any("delivery.status", statuses.map(\.code)) }
        if !urgencies.isEmpty { any("document.urgency", urgencies.map(\.rawValue)) }
        if let sender {
            conditions.append("document.issuerCode = ?")
            arguments += [sender]
        }
        if let issuedFrom {
            conditions.append("document.issuedAt >= ?")
            arguments += [issuedFrom]
        }
        if let issuedBefore {
            conditions.append("document.issuedAt < ?")
            arguments += [issuedBefore]
        }
        if let overdueOn {
            conditions.append("document.deadline < ?")
            arguments += [overdueOn.description]
            any("delivery.status", DeliveryStatus.allCases.filter { !$0.isClosed }.map(\.code))
        }
        if unreadOnly { conditions.append("inboxRead.deliveryID IS NULL") }
        if let search, !search.isEmpty {
            let escaped = search.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            conditions.append("documentSearch.text LIKE ? ESCAPE '\\'")
            arguments += ["%\(escaped)%"]
        }
        return (conditions, arguments)
    }
}

/// An inbox page as the registry reads it.
public struct InboxRows: Sendable {
    public var entries: [(document: DocumentRecord, delivery: DeliveryRecord, opened: Bool)]
    /// How many deliveries match in all, and how many of the inbox are unopened (whatever the filter).
    public var total: Int
    public var unread: Int
    /// Whether a page follows.
    public var more: Bool
}

/// A document's number, symbol and subject as search compares them: derived from its sealed row, kept beside it.
struct DocumentSearch: Codable, PersistableRecord {
    static let databaseTableName = "documentSearch"
    var documentID: String
    var text: String

    init(_ document: DocumentRecord) {
        documentID = document.id
        text = SearchText.fold("\(NumberAndSymbol.format(document.number))/\(document.symbol) \(document.subject)")
    }
}
