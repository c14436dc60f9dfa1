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
    /// Words folded (``SearchText``), each the start of a word of the number and symbol or the subject: "02" finds
    /// 02/CT-UBND but not a subject's 2027, "cai ca" finds "cải cách".
    public var search: [String] = []
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
        for word in search {
            let escaped = word.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            conditions.append("documentSearch.text LIKE ? ESCAPE '\\'")
            arguments += ["% \(escaped)%"]
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
        self.init(id: document.id, number: document.number, symbol: document.symbol, subject: document.subject)
    }

    init(id: String, number: Int, symbol: String, subject: String) {
        documentID = id
        // A space before each word, the first too: a word is found by its start.
        text = " " + SearchText.fold("\(NumberAndSymbol.format(number))/\(symbol) \(subject)")
    }
}

/// That a recipient agency has seen a delivery: opened, answered, or brought in as history.
enum InboxRead {
    static func mark(_ db: Database, _ delivery: Int64, by actor: String, at time: Date) throws {
        try db.execute(
            sql: "INSERT OR IGNORE INTO inboxRead (deliveryID, readAt, readBy) VALUES (?, ?, ?)",
            arguments: [delivery, time, actor])
    }
}
