import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// The SQLite registry: the legal record of what was sent, to whom, and what each recipient said.
///
/// WAL with `synchronous = FULL`: a transaction that returned has reached the disk, so a send
/// acknowledged after its commit survives a crash or a power cut.
public final class Registry: Sendable {
    /// Lookups of one row per statement use `unsafeRead`, without a snapshot: each statement is
    /// atomic by itself, and the BEGIN and COMMIT around it cost more than the lookup.
    let pool: DatabasePool
    /// Filings, committed in groups: concurrent sends share one durable commit.
    private let filings: GroupCommit

    /// The key of the row seals (`RowSeals`).
    let sealKey: [UInt8]

    /// - Parameter sealSecret: what the row seals' key is derived from: the daemon gives its key
    ///   passphrase, so that whoever holds the database but not the passphrase cannot forge a seal.
    ///   The default makes seals that find edits but not a forger who knows LienThong.
    public init(path: String, sealSecret: String = "") throws {
        let key = Digest.hmacSHA256(key: Array("lienthong row seals v1".utf8), Array(sealSecret.utf8))
        sealKey = key
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
            for function in RowSeals.functions(key: key) { db.add(function: function) }
        }
        configuration.busyMode = .timeout(10)
        pool = try DatabasePool(path: path, configuration: configuration)
        filings = GroupCommit(pool: pool)
        try Schema.migrator(sealKey: key).migrate(pool)
    }

    /// Every write: one transaction, durable when it returns, run on the disk's threads so that no
    /// cooperative thread waits for SQLite's writer or its fsync.
    func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await DiskWork.shared.run { [pool] in try pool.write(updates) }
    }

    /// How many sealed rows there are, and every one edited, added or deleted outside LienThong, by name.
    public func checkRowSeals() throws -> (rows: Int, problems: [RowSealProblem]) {
        try pool.read { try RowSeals.check($0, key: sealKey) }
    }

    // MARK: - Directory and users

    /// Inserts agencies, users and tokens that are not there yet; never changes existing rows.
    public func seed(agencies: [AgencyRecord], users: [UserRecord], tokens: [TokenRecord] = []) async throws {
        try await write { db in
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
        try pool.unsafeRead { try AgencyRecord.lookUp($0, code) }
    }

    /// What importing one agency did.
    public enum ImportOutcome: String, Sendable { case added, updated, unchanged }

    /// Adds or updates an agency's name, abbreviation and parent; keys and retirement stay as they are.
    public func importAgency(
        code: String, name: String, abbreviation: String, parentCode: String?, actor: String
    ) async throws -> ImportOutcome {
        try await write { db in
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
        try await write { db in
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
        try pool.unsafeRead { db in
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
        try pool.read { try AgencyRecord.order(Column("code")).fetchAll($0) }
    }

    /// The user a token belongs to, if the token is known, unrevoked and unexpired at `date`.
    public func user(tokenSHA256: String, at date: Date) throws -> UserRecord? {
        try pool.unsafeRead { db in
            guard let token = try TokenRecord.lookUp(db, tokenSHA256), token.isValid(at: date) else { return nil }
            return try UserRecord.lookUp(db, token.username)
        }
    }

    public func user(_ username: String) throws -> UserRecord? {
        try pool.unsafeRead { try UserRecord.lookUp($0, username) }
    }

    /// Users of the given agencies with their tokens, by username.
    public func users(agencies: Set<String>) throws -> [(UserRecord, [TokenRecord])] {
        try pool.read { db in
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
        try await write { db in
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
        try await write { db in
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
        try pool.unsafeRead {
            try UserRecord.fetchAll(
                $0.cachedStatement(sql: "SELECT * FROM user WHERE agencyCode = ? AND role = ? ORDER BY username"),
                arguments: [agency, role.rawValue])
        }
    }

    // MARK: - Files

    /// Records a blob that is already durable on disk, and that `agency` uploaded it.
    public func recordUpload(sha256: String, size: Int64, agency: String, at now: Date) async throws {
        try await write { db in
            // A file with the bytes of a signature the registry holds (a .p7s forwarded as an
            // attachment) is on disk now: the row says so, or it would be removed as an orphan.
            try db.execute(
                sql: """
                    INSERT INTO blob (sha256, size, createdAt) VALUES (?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET bytes = NULL
                    """, arguments: [sha256, size, now])
            try UploadRecord(sha256: sha256, agencyCode: agency, uploadedAt: now).insert(db, onConflict: .ignore)
        }
    }

    /// Every file under `blobs/` the registry knows of (not the blobs it holds itself).
    public func blobHashes() throws -> Set<String> {
        try pool.read { try Self.blobHashes($0) }
    }

    private static func blobHashes(_ db: Database) throws -> Set<String> {
        try Set(String.fetchAll(db, sql: "SELECT sha256 FROM blob WHERE bytes IS NULL"))
    }

    /// The bytes of a blob the registry holds itself (a signature); nil for a file on disk.
    public func heldBytes(_ sha256: String) throws -> Data? {
        try pool.unsafeRead {
            try Data.fetchOne($0.cachedStatement(sql: "SELECT bytes FROM blob WHERE sha256 = ?"), arguments: [sha256])
        }
    }

    /// Hashes again every blob the registry holds.
    /// - Returns: how many there are, their size, and those whose bytes no longer match their hash.
    public func checkHeldBlobs() throws -> (count: Int, bytes: Int64, changed: [String]) {
        try pool.read { db in
            var result = (count: 0, bytes: Int64(0), changed: [String]())
            let rows = try Row.fetchCursor(
                db, sql: "SELECT sha256, bytes FROM blob WHERE bytes IS NOT NULL ORDER BY sha256")
            while let row = try rows.next() {
                let sha256: String = row["sha256"]
                let bytes: Data = row["bytes"]
                result.count += 1
                result.bytes += Int64(bytes.count)
                if Digest.sha256(bytes) != sha256 { result.changed.append(sha256) }
            }
            return result
        }
    }

    public func upload(sha256: String, agency: String) throws -> BlobRecord? {
        try pool.unsafeRead { db in
            try BlobRecord.fetchOne(
                db.cachedStatement(
                    sql: """
                        SELECT blob.* FROM upload JOIN blob USING (sha256) WHERE upload.sha256 = ? AND upload.agencyCode = ?
                        """), arguments: [sha256, agency])
        }
    }

    // MARK: - Documents

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
        recipients: [(agency: AgencyRecord, addressedTo: String?)], approval: String? = nil, actor: String, at now: Date
    ) async throws -> (DocumentRecord, [DeliveryRecord]) {
        try await DiskWork.shared.run { [filings] in
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
                if let approval { try Self.consumeApproval(db, id: approval, documentID: document.id, at: now) }
                for blob in signatureBlobs { try blob.insert(db, onConflict: .ignore) }
                for file in files { try file.insert(db) }
                for signature in signatures { try signature.insert(db) }
                let day = Figures.day(document.issuedAt)
                switch document.medium {
                case .paper:
                    try Figures.add(db, agency: issuerCode, day: day, .outgoingPaper)
                case .electronic:
                    try Figures.add(db, agency: issuerCode, day: day, .outgoingElectronic)
                    let roles = Set(signatures.filter { $0.filePosition == 0 }.map(\.role))
                    if roles.contains("seal") {
                        try Figures.add(
                            db, agency: issuerCode, day: day, roles.contains("signer") ? .signerAndSeal : .sealOnly)
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
                    var event = StatusEventRecord(
                        id: nil, deliveryID: delivery.id!, status: .arrived,
                        at: now, actor: actor, note: nil)
                    try event.insert(db)
                    deliveries.append(delivery)
                }
                return (document, deliveries)
            }
        }
    }

    /// Files whose signature still lacks its time stamp, oldest first.
    public func filesAwaitingTimeStamp(limit: Int = 100) throws -> [DocumentFileRecord] {
        try pool.read {
            try DocumentFileRecord.filter(Column("awaitingTimeStamp") == true).order(Column("rowid")).limit(limit)
                .fetchAll($0)
        }
    }

    /// Replaces a file's signature with its time-stamped version, held in the registry like the first.
    public func completeTimeStamp(documentID: String, position: Int, signature: BlobRecord) async throws {
        try await write { db in
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
        try await write { db in
            try record.insert(db, onConflict: .ignore)
            guard db.changesCount > 0 else { return }
            try AuditLog.append(
                db, actor: "lienthongd", agency: "", action: "identity.sealed",
                subject: record.documentID, detail: "identity \(Digest.sha256(record.identity))",
                at: record.sealedAt)
        }
    }

    public func sealedIdentity(of documentID: String) throws -> SealedIdentityRecord? {
        try pool.unsafeRead { try SealedIdentityRecord.fetchOne($0, key: documentID) }
    }

    /// Electronic documents filed after `rowid` (after identities began to be sealed, when nil)
    /// without their sealed identity, oldest first; and where the next look may start, read in
    /// the same snapshot, so that a document filed meanwhile is not passed over.
    public func documentsAwaitingSealedIdentity(
        after rowid: Int64?, limit: Int = 100
    ) throws
        -> (documents: [DocumentRecord], nextAfter: Int64)
    {
        try pool.read { db in
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
        try pool.unsafeRead { try DocumentRecord.lookUp($0, id) }
    }

    public func files(of documentID: String) throws -> [DocumentFileRecord] {
        try pool.read {
            try DocumentFileRecord.filter(Column("documentID") == documentID).order(Column("position")).fetchAll($0)
        }
    }

    public func signatures(of documentID: String) throws -> [SignatureRecord] {
        try pool.read {
            try SignatureRecord.filter(Column("documentID") == documentID)
                .order(Column("filePosition"), Column("signerIndex")).fetchAll($0)
        }
    }

    public func deliveries(of documentID: String) throws -> [DeliveryRecord] {
        try pool.read {
            try DeliveryRecord.filter(Column("documentID") == documentID).order(Column("recipientCode")).fetchAll($0)
        }
    }

    public func delivery(documentID: String, recipient: String) throws -> DeliveryRecord? {
        try pool.read {
            try DeliveryRecord.filter(Column("documentID") == documentID && Column("recipientCode") == recipient)
                .fetchOne($0)
        }
    }

    /// Status histories, oldest first, keyed by delivery id.
    public func history(of deliveryIDs: [Int64]) throws -> [Int64: [StatusEventRecord]] {
        try pool.read { db in
            let events = try StatusEventRecord.filter(deliveryIDs.contains(Column("deliveryID"))).order(Column("id"))
                .fetchAll(db)
            return Dictionary(grouping: events, by: \.deliveryID)
        }
    }

    /// Deliveries with a reply deadline that are still open (not rejected, completed or recalled),
    /// to `agency` (incoming) or of documents it issued (outgoing).
    public func openDeliveriesWithDeadline(agency: String, incoming: Bool) throws -> [(DocumentRecord, DeliveryRecord)]
    {
        try pool.read { db in
            let closed = [DeliveryStatus.rejected, .completed, .recallAccepted].map(\.code)
            let deliveries = try DeliveryRecord.fetchAll(
                db,
                sql: """
                    SELECT delivery.* FROM delivery JOIN document ON document.id = delivery.documentID
                    WHERE document.deadline IS NOT NULL AND delivery.status NOT IN (?, ?, ?)
                      AND \(incoming ? "delivery.recipientCode" : "document.issuerCode") = ?
                    ORDER BY document.deadline, delivery.id
                    """, arguments: [closed[0], closed[1], closed[2], agency])
            let documents = try Self.documents(db, of: deliveries)
            return deliveries.compactMap { delivery in documents[delivery.documentID].map { ($0, delivery) } }
        }
    }

    /// The outgoing register of `issuer` for a year (Vietnam time): its documents by number, with their deliveries.
    public func outgoingRegister(issuer: String, year: Int) throws -> [(DocumentRecord, [DeliveryRecord])] {
        try pool.read { db in
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
        try pool.read { db in
            let deliveries = try DeliveryRecord.filter(
                Column("recipientCode") == recipient && Column("arrivalYear") == year
            )
            .order(Column("arrivalNumber")).fetchAll(db)
            let documents = try Self.documents(db, of: deliveries)
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

    /// An agency's inbox, newest first, with each document's current status for that agency.
    public func inbox(agency: String, limit: Int = 50) throws -> [(DocumentRecord, DeliveryRecord)] {
        try pool.read { db in
            let deliveries = try DeliveryRecord.filter(Column("recipientCode") == agency)
                .filter(Column("status") != DeliveryStatus.recallAccepted.code)
                .order(Column("id").desc).limit(limit).fetchAll(db)
            let documents = try Self.documents(db, of: deliveries)
            return deliveries.compactMap { delivery in documents[delivery.documentID].map { ($0, delivery) } }
        }
    }

    /// Moves a delivery to a new status if the current one allows it; accepting (03) assigns the
    /// next arrival number (số đến) of the recipient's incoming register for the year.
    @discardableResult
    public func changeStatus(
        documentID: String, recipient: String, to next: DeliveryStatus,
        actor: String, note: String?, assignee: String? = nil, at now: Date
    ) async throws -> DeliveryRecord {
        try await write { db in
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
            var event = StatusEventRecord(
                id: nil, deliveryID: delivery.id!, status: next, at: now, actor: actor, note: note,
                assignee: assignee)
            try event.insert(db)
            try AuditLog.append(
                db, actor: actor, agency: recipient, action: "delivery.status", subject: documentID,
                detail: "\(current.code) → \(next.code)" + (delivery.arrivalNumber.map { ", số đến \($0)" } ?? "")
                    + (assignee.map { ", to \($0)" } ?? "") + (note.map { ": \($0)" } ?? ""), at: now)
            if next == .recallAccepted {
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
        let agency = delivery.recipientCode
        switch next {
        case .accepted where Figures.day(now) <= deadline:
            try Figures.add(db, agency: agency, day: deadline, .registeredOnTime)
        case .completed where Figures.day(now) <= deadline:
            try Figures.add(db, agency: agency, day: deadline, .completedOnTime)
        case .recallAccepted:
            try Figures.add(db, agency: agency, day: deadline, .due, -1)
            let registered = try Date.fetchOne(
                db, sql: "SELECT at FROM statusEvent WHERE deliveryID = ? AND status = ?",
                arguments: [delivery.id, DeliveryStatus.accepted.code])
            if let registered, Figures.day(registered) <= deadline {
                try Figures.add(db, agency: agency, day: deadline, .registeredOnTime, -1)
            }
        default:
            break
        }
    }

    // MARK: - Paper, links and figures

    /// Enters a paper document received by `record.recipientCode` in its incoming register, with
    /// the next arrival number of the year it arrived in.
    public func registerPaperArrival(_ record: PaperArrivalRecord) async throws -> PaperArrivalRecord {
        try await write { db in
            var record = record
            record.arrivalYear = VietnamTime.year(of: record.receivedAt)
            record.arrivalNumber = try Self.nextArrivalNumber(
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
        try pool.read {
            try PaperArrivalRecord.filter(Column("recipientCode") == recipient && Column("arrivalYear") == year)
                .order(Column("arrivalNumber")).fetchAll($0)
        }
    }

    /// The documents that replace or answer `id`.
    public func documents(replacing id: String) throws -> [DocumentRecord] {
        try pool.read { try DocumentRecord.filter(Column("replacesID") == id).order(Column("issuedAt")).fetchAll($0) }
    }

    public func documents(answering id: String) throws -> [DocumentRecord] {
        try pool.read { try DocumentRecord.filter(Column("repliesToID") == id).order(Column("issuedAt")).fetchAll($0) }
    }

    /// Summed figures of `agencies` between two days in Vietnam, inclusive.
    public func figures(
        agencies: [String], from: CivilDate, to: CivilDate, by grouping: FigureGrouping
    ) throws -> [(String, DocumentFigures)] {
        try pool.read { try Figures.sum($0, agencies: agencies, from: from, to: to, by: grouping) }
    }

    // MARK: - Idempotency

    public func idempotentResponse(requestKey: String) throws -> IdempotentResponseRecord? {
        try pool.read { try IdempotentResponseRecord.lookUp($0, requestKey) }
    }

    /// Keeps an answer for replay; the first answer stays if two requests raced to store one.
    public func storeIdempotentResponse(_ record: IdempotentResponseRecord) async throws {
        try await write { try record.insert($0, onConflict: .ignore) }
    }

    /// The document a send with this key filed, if any.
    public func document(requestKey: String) throws -> DocumentRecord? {
        try pool.read { try DocumentRecord.filter(Column("requestKey") == requestKey).fetchOne($0) }
    }

    // MARK: - Audit

    /// Checks the whole audit chain and names the first entry that does not hold.
    public func verifyAudit() throws -> AuditVerification {
        try pool.read { try AuditLog.verify($0) }
    }

    /// Records an event that changes no row of its own (a configuration reload).
    public func recordAudit(actor: String, action: String, detail: String) async throws {
        try await write {
            try AuditLog.append($0, actor: actor, agency: "", action: action, subject: "", detail: detail, at: Date())
        }
    }

    /// The newest audit entries, newest first.
    public func auditEntries(limit: Int) throws -> [AuditEntryRecord] {
        try pool.read { try AuditEntryRecord.order(Column("id").desc).limit(limit).fetchAll($0) }
    }

    // MARK: - Backup

    /// Copies the registry as of one moment into a new SQLite file, while requests keep writing.
    /// - Returns: the copy's document count, the files under `blobs/` it names, the blobs it holds
    ///   itself (count and bytes), and its audit head.
    public func backup(
        to path: String
    ) async throws -> (documents: Int, files: Set<String>, held: (count: Int, bytes: Int64), auditHead: String) {
        try await DiskWork.shared.run { [pool] in try Self.backup(pool, to: path) }
    }

    private static func backup(
        _ pool: DatabasePool, to path: String
    ) throws -> (documents: Int, files: Set<String>, held: (count: Int, bytes: Int64), auditHead: String) {
        let copy = try DatabaseQueue(path: path)
        try pool.backup(to: copy)
        defer { try? copy.close() }
        return try copy.read { db in
            let held = try Row.fetchOne(
                db, sql: "SELECT COUNT(*), IFNULL(SUM(length(bytes)), 0) FROM blob WHERE bytes IS NOT NULL")
            return (
                try DocumentRecord.fetchCount(db), try Self.blobHashes(db), (held?[0] ?? 0, held?[1] ?? 0),
                try AuditLog.head(db).hash
            )
        }
    }

    /// Which documents use a stored file, as "number/symbol (id)", for reports about that file.
    public func documents(using sha256: String) throws -> [String] {
        try pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT DISTINCT d.id, d.number, d.symbol FROM documentFile f JOIN document d ON d.id = f.documentID
                    WHERE f.sha256 = ?1 OR f.signatureSHA256 = ?1
                    """, arguments: [sha256]
            ).map { "\(NumberAndSymbol.format($0["number"]))/\($0["symbol"] as String) (\($0["id"] as String))" }
        }
    }

    // MARK: - History brought in from elsewhere

    /// Files documents as another system recorded them, numbers and histories included, in one
    /// transaction: for bringing an earlier register over, and for generating benchmark registries.
    /// The daily figures are left as they were; call ``rebuildFigures()`` after the last batch.
    @_spi(Import) public func importHistory(_ batch: [HistoricalDocument]) async throws {
        try await write { db in
            for entry in batch {
                try entry.document.insert(db)
                for signature in entry.signatures { try signature.insert(db) }
                for (delivery, events) in entry.deliveries {
                    var delivery = delivery
                    try delivery.insert(db)
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
        try await write { try Figures.rebuild($0) }
    }

    public func documentCount() throws -> Int {
        try pool.read { try DocumentRecord.fetchCount($0) }
    }

    /// The sender asks every recipient that can still be asked to accept a recall (13), in one
    /// transaction; deliveries already rejected, completed or recalled are left as they are.
    public func requestRecall(
        documentID: String, actor: String, reason: String, at now: Date
    ) async throws -> [DeliveryRecord] {
        try await write { db in
            var changed: [DeliveryRecord] = []
            for var delivery in try DeliveryRecord.filter(Column("documentID") == documentID).fetchAll(db) {
                guard delivery.status.allowedNext.contains(.recallRequested) else { continue }
                delivery.status = .recallRequested
                delivery.updatedAt = now
                try delivery.update(db)
                var event = StatusEventRecord(
                    id: nil, deliveryID: delivery.id!, status: .recallRequested,
                    at: now, actor: actor, note: reason)
                try event.insert(db)
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

public enum RegistryError: Error, Equatable {
    case notFound
    case unknownAgency(String)
    case retiredSuccessor(String)
    /// A signer approval used, withdrawn or expired while a send was being signed.
    case approvalUsed(String)
}
