import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// Documents and their deliveries: filing under the next number, files and signatures, every status a
/// recipient reports, recalls, sealed identities, and the answers kept for Idempotency-Keys.
public struct DocumentStore: Sendable {
    let database: RegistryDatabase

    /// Records a blob that is already durable on disk, and that `agency` uploaded it.
    public func recordUpload(sha256: String, size: Int64, agency: String, at now: Date) async throws {
        try await database.write { db in
            // A file with the bytes of a signature the registry holds (a .p7s forwarded as an
            // attachment) is on disk now: the row says so, or it would be removed as an orphan.
            try db.execute(
                sql: """
                    INSERT INTO blob (sha256, size, createdAt) VALUES (?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET bytes = NULL
                    """, arguments: [sha256, size, now])
            try UploadRecord(sha256: sha256, agencyCode: agency, uploadedAt: now).insert(db, onConflict: .ignore)
        }
    }

    /// The bytes of a blob the registry holds itself (a signature); nil for a file on disk.
    public func heldBytes(_ sha256: String) throws -> Data? {
        try database.pool.unsafeRead {
            try Data.fetchOne($0.cachedStatement(sql: "SELECT bytes FROM blob WHERE sha256 = ?"), arguments: [sha256])
        }
    }

    public func upload(sha256: String, agency: String) throws -> BlobRecord? {
        try database.pool.unsafeRead { db in
            try BlobRecord.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT blob.* FROM upload JOIN blob USING (sha256) WHERE upload.sha256 = ? AND upload.agencyCode = ?
                        """), arguments: [sha256, agency])
        }
    }

    /// The number the next document of the register will get, unless another is filed first: what a PDF is stamped
    /// with before it is filed under that number (``file`` refuses it if another took it meanwhile).
    public func nextNumber(issuerCode: String, register: String, year: Int) throws -> Int {
        try database.pool.read { db in
            let last = try Int.fetchOne(
                db.cachedStatement(
                    sql: "SELECT MAX(number) FROM document WHERE issuerCode = ? AND register = ? AND year = ?"),
                arguments: [issuerCode, register, year])
            return (last ?? 0) + 1
        }
    }

    /// Files a signed document in one transaction: its number (the next in its issuer's register
    /// for the year), its files, signatures, and a delivery in status 01 for each recipient.
    ///
    /// Sends filed at the same moment share one commit (``GroupCommit``); each returns once its
    /// filing is durable.
    ///
    /// - Parameter makeDocument: builds the record once the number is known; throws to refuse.
    public func file(
        issuerCode: String, register: String, year: Int,
        makeDocument: @escaping @Sendable (Int) throws -> DocumentRecord,
        files: [DocumentFileRecord], signatureBlobs: [BlobRecord], signatures: [SignatureRecord],
        revisions: [PDFRevisionRecord] = [],
        recipients: [(agency: AgencyRecord, addressedTo: String?)], approval: String? = nil, actor: String, at now: Date
    ) async throws -> (DocumentRecord, [DeliveryRecord]) {
        try await DiskWork.shared.run { [filings = database.filings] in
            try filings.write { db in
                let last =
                    try Int.fetchOne(
                        db.cachedStatement(
                            sql: """
                                SELECT MAX(number) FROM document WHERE issuerCode = ? AND register = ? AND year = ?
                                """), arguments: [issuerCode, register, year]) ?? 0
                var document = try makeDocument(last + 1)
                document.year = year
                try document.insert(db)
                try DocumentSearch(document).insert(db)
                if let approval { try ApprovalStore.consume(db, id: approval, documentID: document.id, at: now) }
                for blob in signatureBlobs { try blob.insert(db, onConflict: .ignore) }
                for file in files { try file.insert(db) }
                for signature in signatures { try signature.insert(db) }
                for revision in revisions { try revision.insert(db) }
                let day = Figures.day(document.issuedAt)
                switch document.medium {
                case .paper:
                    try Figures.add(db, agency: issuerCode, day: day, .outgoingPaper)
                case .electronic:
                    try Figures.add(db, agency: issuerCode, day: day, .outgoingElectronic)
                    let roles = Set(signatures.filter { $0.filePosition == 0 }.map(\.role))
                    if let counter = FigureRules.signatures(
                        signer: roles.contains(.signer), seal: roles.contains(.seal))
                    {
                        try Figures.add(db, agency: issuerCode, day: day, FigureCounter(counter))
                    }
                }
                try AuditLog.append(
                    db, actor: actor, agency: issuerCode, action: "document.filed", subject: document.id,
                    detail:
                        "\(NumberAndSymbol.format(document.number))/\(document.symbol), \(document.medium.rawValue), "
                        + "\(files.count) files"
                        + (recipients.isEmpty ? "" : ", to " + recipients.map(\.agency.code).joined(separator: " ")),
                    at: now)
                var deliveries: [DeliveryRecord] = []
                for (recipient, addressedTo) in recipients {
                    try Figures.add(db, agency: recipient.code, day: day, .incomingElectronic)
                    if let deadline = document.deadline {
                        try Figures.add(db, agency: recipient.code, day: deadline, .due)
                    }
                    var delivery = DeliveryRecord(
                        id: nil, documentID: document.id, recipientCode: recipient.code,
                        recipientName: recipient.name, status: .arrived,
                        arrivalNumber: nil, arrivalYear: nil, updatedAt: now, addressedTo: addressedTo)
                    try delivery.insert(db)
                    try StatusEventRecord.append(db, to: delivery, .arrived, at: now, actor: actor, note: nil)
                    deliveries.append(delivery)
                }
                return (document, deliveries)
            }
        }
    }

    /// Files whose signature still lacks its time stamp, oldest first.
    /// How many signatures still lack their time stamp.
    public func countAwaitingTimeStamp() throws -> Int {
        try database.pool.read { try DocumentFileRecord.filter(Column("awaitingTimeStamp") == true).fetchCount($0) }
    }

    public func filesAwaitingTimeStamp(limit: Int = 100) throws -> [DocumentFileRecord] {
        try database.pool.read {
            try DocumentFileRecord.filter(Column("awaitingTimeStamp") == true).order(Column("rowid")).limit(limit)
                .fetchAll($0)
        }
    }

    /// Replaces a file's signature with its time-stamped version, held in the registry like the first.
    public func completeTimeStamp(documentID: String, position: Int, signature: BlobRecord) async throws {
        try await database.write { db in
            try signature.insert(db, onConflict: .ignore)
            try db.execute(
                sql: """
                    UPDATE documentFile SET signatureSHA256 = ?, awaitingTimeStamp = 0 WHERE documentID = ? AND position = ?
                    """, arguments: [signature.sha256, documentID, position])
            try AuditLog.append(
                db, actor: "lienthongd", agency: "", action: "signature.time-stamped", subject: documentID,
                detail: "file \(position), signature \(signature.sha256)", at: Date())
        }
    }

    /// Keeps a document's sealed identity; a second one for the same document is ignored, as
    /// the first is the one recipients may already hold.
    public func saveSealedIdentity(_ record: SealedIdentityRecord) async throws {
        try await database.write { db in
            try record.insert(db, onConflict: .ignore)
            guard db.changesCount > 0 else { return }
            try AuditLog.append(
                db, actor: "lienthongd", agency: "", action: "identity.sealed",
                subject: record.documentID, detail: "identity \(Digest.sha256(record.identity))",
                at: record.sealedAt)
        }
    }

    public func sealedIdentity(of documentID: String) throws -> SealedIdentityRecord? {
        try database.pool.unsafeRead { try SealedIdentityRecord.fetchOne($0, key: documentID) }
    }

    /// Electronic documents filed after `rowid` (after identities began to be sealed, when nil)
    /// without their sealed identity, oldest first; and where the next look may start, read in
    /// the same snapshot, so that a document filed meanwhile is not passed over.
    public func documentsAwaitingSealedIdentity(
        after rowid: Int64?, limit: Int = 100
    ) throws
        -> (documents: [DocumentRecord], nextAfter: Int64)
    {
        try database.pool.read { db in
            let start = try rowid ?? Int64.fetchOne(db, sql: "SELECT afterRowid FROM identitySealingStart") ?? 0
            let last = try Int64.fetchOne(db, sql: "SELECT IFNULL(MAX(rowid), 0) FROM document") ?? 0
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT rowid AS documentRowid, * FROM document
                    WHERE rowid > ? AND medium = 'electronic'
                      AND NOT EXISTS (SELECT 1 FROM sealedIdentity WHERE documentID = document.id)
                    ORDER BY rowid LIMIT ?
                    """, arguments: [start, limit])
            let first: Int64? = rows.first?["documentRowid"]
            return (try rows.map { try DocumentRecord(row: $0) }, first.map { $0 - 1 } ?? max(start, last))
        }
    }

    public func document(_ id: String) throws -> DocumentRecord? {
        try database.pool.unsafeRead { try DocumentRecord.lookUp($0, id) }
    }

    /// The revisions of the document's signed PDFs, by file and in order.
    public func pdfRevisions(of documentID: String) throws -> [PDFRevisionRecord] {
        try database.pool.read { db in
            try PDFRevisionRecord.filter(Column("documentID") == documentID)
                .order(Column("filePosition"), Column("revision")).fetchAll(db)
        }
    }

    public func files(of documentID: String) throws -> [DocumentFileRecord] {
        try database.pool.read {
            try DocumentFileRecord.filter(Column("documentID") == documentID).order(Column("position")).fetchAll($0)
        }
    }

    public func signatures(of documentID: String) throws -> [SignatureRecord] {
        try database.pool.read {
            try SignatureRecord.filter(Column("documentID") == documentID)
                .order(Column("filePosition"), Column("signerIndex")).fetchAll($0)
        }
    }

    public func deliveries(of documentID: String) throws -> [DeliveryRecord] {
        try database.pool.read {
            try DeliveryRecord.filter(Column("documentID") == documentID).order(Column("recipientCode")).fetchAll($0)
        }
    }

    public func delivery(documentID: String, recipient: String) throws -> DeliveryRecord? {
        try database.pool.read {
            try DeliveryRecord.filter(Column("documentID") == documentID && Column("recipientCode") == recipient)
                .fetchOne($0)
        }
    }

    /// Status histories, oldest first, keyed by delivery id.
    public func history(of deliveryIDs: [Int64]) throws -> [Int64: [StatusEventRecord]] {
        try database.pool.read { db in
            let events = try StatusEventRecord.filter(deliveryIDs.contains(Column("deliveryID"))).order(Column("id"))
                .fetchAll(db)
            return Dictionary(grouping: events, by: \.deliveryID)
        }
    }

    /// The documents of `deliveries` by id, in one query instead of one per delivery.
    static func documents(_ db: Database, of deliveries: [DeliveryRecord]) throws -> [String: DocumentRecord] {
        Dictionary(try DocumentRecord.fetchAll(db, keys: Set(deliveries.map(\.documentID))).map { ($0.id, $0) }) {
            first, _ in first
        }
    }

    /// An agency's inbox, newest first, with each document's current status for that agency.
    /// One page of `agency`'s inbox, newest first, as `filter` narrows it (a recalled copy it gave back is gone),
    /// with whether each was opened, how many match in all and how many of the inbox are unread.
    public func inbox(agency: String, filter: InboxFilter) throws -> InboxRows {
        try database.pool.read { db in
            let (conditions, arguments) = filter.sql(agency: agency)
            let from = """
                FROM delivery JOIN document ON document.id = delivery.documentID
                LEFT JOIN documentSearch ON documentSearch.documentID = delivery.documentID
                LEFT JOIN inboxRead ON inboxRead.deliveryID = delivery.id
                WHERE \(conditions.joined(separator: " AND "))
                """
            let page = try Row.fetchAll(
                db,
                sql: "SELECT delivery.*, inboxRead.deliveryID IS NOT NULL AS opened \(from)"
                    + (filter.before.map { _ in " AND delivery.id < ?" } ?? "") + " ORDER BY delivery.id DESC LIMIT ?",
                arguments: arguments + StatementArguments(filter.before.map { [$0] } ?? [])! + [filter.limit + 1])
            let deliveries = try page.prefix(filter.limit).map { try DeliveryRecord(row: $0) }
            let documents = try Self.documents(db, of: deliveries)
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) \(from)", arguments: arguments) ?? 0
            let unread =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM delivery LEFT JOIN inboxRead ON inboxRead.deliveryID = delivery.id
                        WHERE delivery.recipientCode = ? AND delivery.status != ? AND inboxRead.deliveryID IS NULL
                        """, arguments: [agency, DeliveryStatus.recallAccepted.code]) ?? 0
            let opened = Dictionary(
                uniqueKeysWithValues: zip(deliveries.compactMap(\.id), page.map { $0["opened"] as Bool }))
            return InboxRows(
                entries: deliveries.compactMap { delivery in
                    documents[delivery.documentID].map { ($0, delivery, opened[delivery.id ?? 0] ?? false) }
                },
                total: total, unread: unread, more: page.count > filter.limit)
        }
    }

    /// Marks `agency`'s copy of a document opened by `username`, the first time only: a read first, so that the
    /// opening of a document already marked writes nothing.
    public func markOpened(documentID: String, agency: String, by username: String, at now: Date) async throws {
        let unmarked = try await database.pool.read { db in
            try Int64.fetchOne(
                db,
                sql: """
                    SELECT delivery.id FROM delivery LEFT JOIN inboxRead ON inboxRead.deliveryID = delivery.id
                    WHERE delivery.documentID = ? AND delivery.recipientCode = ? AND inboxRead.deliveryID IS NULL
                    """, arguments: [documentID, agency])
        }
        guard let unmarked else { return }
        try await database.write { db in try InboxRead.mark(db, unmarked, by: username, at: now) }
    }

    /// Moves a delivery to a new status if the current one allows it; accepting (03) assigns the
    /// next arrival number (số đến) of the recipient's incoming register for the year.
    @discardableResult
    public func changeStatus(
        documentID: String, recipient: String, to next: DeliveryStatus,
        actor: String, note: String?, assignee: String? = nil, at now: Date
    ) async throws -> DeliveryRecord {
        try await database.write { db in
            guard
                var delivery =
                    try DeliveryRecord
                    .filter(Column("documentID") == documentID && Column("recipientCode") == recipient).fetchOne(db)
            else {
                throw RegistryError.notFound
            }
            let current = delivery.status
            // After a refused recall the rules of the status before the recall hold.
            var ruling = current
            if current == .recallRefused {
                let history = try StatusEventRecord.filter(Column("deliveryID") == delivery.id).order(Column("id"))
                    .fetchAll(db)
                ruling =
                    DeliveryStatus.inForce(after: history.map(\.status)) ?? current
            }
            _ = try ruling.transition(to: next)
            delivery.status = next
            delivery.updatedAt = now
            if next == .accepted {
                let year = VietnamTime.year(of: now)
                delivery.arrivalNumber = try Self.nextArrivalNumber(db, recipient: recipient, year: year)
                delivery.arrivalYear = year
            }
            try self.countOnTime(db, delivery, next, at: now)
            if let assignee { delivery.assignee = assignee }
            try delivery.update(db)
            // The recipient answered it, so someone there has seen it (a recall is asked by the sender).
            if next != .recallRequested, let id = delivery.id { try InboxRead.mark(db, id, by: actor, at: now) }
            try StatusEventRecord.append(
                db, to: delivery, next, at: now, actor: actor, note: note, assignee: assignee)
            try AuditLog.append(
                db, actor: actor, agency: recipient, action: "delivery.status", subject: documentID,
                detail: "\(current.code) → \(next.code)" + (delivery.arrivalNumber.map { ", số đến \($0)" } ?? "")
                    + (assignee.map { ", to \($0)" } ?? "") + (note.map { ": \($0)" } ?? ""), at: now)
            if next.freezesDocument {
                try db.execute(
                    sql: "UPDATE document SET frozenAt = COALESCE(frozenAt, ?) WHERE id = ?",
                    arguments: [now, documentID])
            }
            return delivery
        }
    }

    /// Số đến: electronic and paper documents share one series per recipient and year.
    static func nextArrivalNumber(_ db: Database, recipient: String, year: Int) throws -> Int {
        try Int.fetchOne(
            db,
            sql: """
                SELECT MAX(n) FROM (
                    SELECT MAX(arrivalNumber) AS n FROM delivery WHERE recipientCode = ?1 AND arrivalYear = ?2
                    UNION ALL SELECT MAX(arrivalNumber) FROM paperArrival WHERE recipientCode = ?1 AND arrivalYear = ?2)
                """, arguments: [recipient, year]
        ).map { $0 + 1 } ?? 1
    }

    /// Keeps the on-time figures of a delivery with a deadline: registering (03) or completing
    /// (06) on or before it counts; an accepted recall takes the delivery out of them again.
    private func countOnTime(_ db: Database, _ delivery: DeliveryRecord, _ next: DeliveryStatus, at now: Date) throws {
        guard
            let deadline = try String.fetchOne(
                db, sql: "SELECT deadline FROM document WHERE id = ?", arguments: [delivery.documentID])
        else { return }
        // The registered day matters only to a recall accepted after it.
        let registered =
            next == .recallAccepted
            ? try Date.fetchOne(
                db, sql: "SELECT at FROM statusEvent WHERE deliveryID = ? AND status = ?",
                arguments: [delivery.id, DeliveryStatus.accepted.code]
            ).map(Figures.day) : nil
        for (counter, delta) in FigureRules.onTime(
            to: next, on: Figures.day(now), deadline: deadline, registeredOn: registered)
        {
            try Figures.add(db, agency: delivery.recipientCode, day: deadline, FigureCounter(counter), delta)
        }
    }

    /// The documents that replace or answer `id`.
    public func documents(replacing id: String) throws -> [DocumentRecord] {
        try database.pool.read {
            try DocumentRecord.filter(Column("replacesID") == id).order(Column("issuedAt")).fetchAll($0)
        }
    }

    public func documents(answering id: String) throws -> [DocumentRecord] {
        try database.pool.read {
            try DocumentRecord.filter(Column("repliesToID") == id).order(Column("issuedAt")).fetchAll($0)
        }
    }

    public func idempotentResponse(requestKey: String) throws -> IdempotentResponseRecord? {
        try database.pool.read { try IdempotentResponseRecord.lookUp($0, requestKey) }
    }

    /// Keeps an answer for replay; the first answer stays if two requests raced to store one.
    public func storeIdempotentResponse(_ record: IdempotentResponseRecord) async throws {
        try await database.write { try record.insert($0, onConflict: .ignore) }
    }

    /// The document a send with this key filed, if any.
    public func document(requestKey: String) throws -> DocumentRecord? {
        try database.pool.read { try DocumentRecord.filter(Column("requestKey") == requestKey).fetchOne($0) }
    }

    public func documentCount() throws -> Int {
        try database.pool.read { try DocumentRecord.fetchCount($0) }
    }

    /// The sender asks every recipient that can still be asked to accept a recall (13), in one
    /// transaction; deliveries already rejected, completed or recalled are left as they are.
    public func requestRecall(
        documentID: String, actor: String, reason: String, at now: Date
    ) async throws -> [DeliveryRecord] {
        try await database.write { db in
            var changed: [DeliveryRecord] = []
            for var delivery in try DeliveryRecord.filter(Column("documentID") == documentID).fetchAll(db) {
                guard delivery.status.allowedNext.contains(.recallRequested) else { continue }
                delivery.status = .recallRequested
                delivery.updatedAt = now
                try delivery.update(db)
                try StatusEventRecord.append(db, to: delivery, .recallRequested, at: now, actor: actor, note: reason)
                changed.append(delivery)
            }
            if !changed.isEmpty {
                try AuditLog.append(
                    db, actor: actor, agency: "", action: "document.recall-requested", subject: documentID,
                    detail: "to " + changed.map(\.recipientCode).joined(separator: " ") + ": \(reason)", at: now)
            }
            return changed
        }
    }
}
