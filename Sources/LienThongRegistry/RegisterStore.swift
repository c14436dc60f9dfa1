import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// The Decree 30 registers (sổ văn bản đi, sổ văn bản đến), paper documents, and the figures of the
/// exchange that the ratios are computed from.
public struct RegisterStore: Sendable {
    let database: RegistryDatabase

    /// Deliveries with a reply deadline that are still open (not rejected, completed or recalled),
    /// to `agency` (incoming) or of documents it issued (outgoing).
    public func openDeliveriesWithDeadline(agency: String, incoming: Bool) throws -> [(DocumentRecord, DeliveryRecord)]
    {
        try database.pool.read { db in
            let closed = DeliveryStatus.allCases.filter(\.isClosed).map(\.code)
            let deliveries = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT delivery.* FROM delivery JOIN document ON document.id = delivery.documentID
                    WHERE document.deadline IS NOT NULL AND delivery.status NOT IN (?, ?, ?)
                      AND \(incoming ? "delivery.recipientCode" : "document.issuerCode") = ?
                    ORDER BY document.deadline, delivery.id
                    """, arguments: [closed[0], closed[1], closed[2], agency])
            let documents = try DocumentStore.documents(db, of: deliveries)
            return deliveries.compactMap { delivery in documents[delivery.documentID].map { ($0, delivery) } }
        }
    }

    /// The outgoing register of `issuer` for a year (Vietnam time): its documents by number, with their deliveries.
    public func outgoingRegister(issuer: String, year: Int) throws -> [(DocumentRecord, [DeliveryRecord])] {
        try database.pool.read { db in
            let documents = try DocumentRecord.filter(Column("issuerCode") == issuer && Column("year") == year)
                .order(Column("register"), Column("number")).fetchAll(db)
            let deliveries = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT delivery.* FROM delivery JOIN document ON document.id = delivery.documentID
                    WHERE document.issuerCode = ? AND document.year = ? ORDER BY delivery.recipientCode
                    """, arguments: [issuer, year])
            let byDocument = Dictionary(grouping: deliveries, by: \.documentID)
            return documents.map { ($0, byDocument[$0.id] ?? []) }
        }
    }

    /// The incoming register of `recipient` for a year: registered deliveries by arrival number,
    /// with their documents and status histories.
    public func incomingRegister(
        recipient: String, year: Int
    ) throws -> [(DocumentRecord, DeliveryRecord, [StatusEventRecord])] {
        try database.pool.read { db in
            let deliveries = try DeliveryRecord.filter(
                Column("recipientCode") == recipient && Column("arrivalYear") == year
            )
            .order(Column("arrivalNumber")).fetchAll(db)
            let documents = try DocumentStore.documents(db, of: deliveries)
            let events = Dictionary(
                grouping: try StatusEventRecord.fetchAll(
                    db,
                    sql: """
                        SELECT statusEvent.* FROM statusEvent JOIN delivery ON delivery.id = statusEvent.deliveryID
                        WHERE delivery.recipientCode = ? AND delivery.arrivalYear = ? ORDER BY statusEvent.id
                        """, arguments: [recipient, year]), by: \.deliveryID)
            return deliveries.compactMap { delivery in
                documents[delivery.documentID].map { ($0, delivery, events[delivery.id!] ?? []) }
            }
        }
    }

    /// The documents of `deliveries` by id, in one query instead of one per delivery.
    private static func documents(_ db: Database, of deliveries: [DeliveryRecord]) throws -> [String: DocumentRecord] {
        Dictionary(try DocumentRecord.fetchAll(db, keys: Set(deliveries.map(\.documentID))).map { ($0.id, $0) }) {
            first, _ in first
        }
    }

    /// Enters a paper document received by `record.recipientCode` in its incoming register, with
    /// the next arrival number of the year it arrived in.
    public func registerPaperArrival(_ record: PaperArrivalRecord) async throws -> PaperArrivalRecord {
        try await database.write { db in
            var record = record
            record.arrivalYear = VietnamTime.year(of: record.receivedAt)
            record.arrivalNumber = try DocumentStore.nextArrivalNumber(
                db, recipient: record.recipientCode, year: record.arrivalYear)
            try record.insert(db)
            try Figures.add(db, agency: record.recipientCode, day: Figures.day(record.receivedAt), .incomingPaper)
            try AuditLog.append(
                db, actor: record.registeredBy, agency: record.recipientCode, action: "paper.received",
                subject: "\(record.arrivalYear)/\(record.arrivalNumber)",
                detail: "\(record.numberAndSymbol) from \(record.senderName)",
                at: record.receivedAt)
            return record
        }
    }

    public func paperArrivals(recipient: String, year: Int) throws -> [PaperArrivalRecord] {
        try database.pool.read {
            try PaperArrivalRecord.filter(Column("recipientCode") == recipient && Column("arrivalYear") == year)
                .order(Column("arrivalNumber")).fetchAll($0)
        }
    }

    /// Summed figures of `agencies` between two days in Vietnam, inclusive.
    public func figures(
        agencies: [String], from: CivilDate, to: CivilDate, by grouping: FigureGrouping
    ) throws -> [(String, DocumentFigures)] {
        try database.pool.read { try Figures.sum($0, agencies: agencies, from: from, to: to, by: grouping) }
    }

    /// Files documents as another system recorded them, numbers and histories included, in one
    /// transaction: for bringing an earlier register over, and for generating benchmark registries.
    /// The daily figures are left as they were; call ``rebuildFigures()`` after the last batch.
    @_spi(Import) public func importHistory(_ batch: [HistoricalDocument]) async throws {
        try await database.write { db in
            for entry in batch {
                try entry.document.insert(db)
                try DocumentSearch(entry.document).insert(db)
                for signature in entry.signatures { try signature.insert(db) }
                for (delivery, events) in entry.deliveries {
                    var delivery = delivery
                    try delivery.insert(db)
                    // History: read long ago, in the system it comes from.
                    try InboxRead.mark(db, delivery.id!, by: "import", at: delivery.updatedAt)
                    for event in events {
                        var event = event
                        event.deliveryID = delivery.id!
                        try event.insert(db)
                    }
                }
            }
            try AuditLog.append(
                db, actor: "import", agency: "", action: "history.imported", subject: "\(batch.count) documents",
                detail: batch.first.map { "from \($0.document.id)" } ?? "", at: Date())
        }
    }

    /// Counts the daily figures again from the documents, deliveries and status events.
    @_spi(Import) public func rebuildFigures() async throws {
        try await database.write { try Figures.rebuild($0) }
    }
}
