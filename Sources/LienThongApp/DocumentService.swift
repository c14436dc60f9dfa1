import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongDomain
import LienThongPDF
import LienThongRegistry
import Logging

/// Sending, receiving and tracking documents: the rules between the HTTP layer and the registry.
///
/// Every input is checked before anything is written; a send's files are durable before it is
/// filed, and it is filed, signatures included, in one durable transaction, so an acknowledged
/// document is never lost and a refused one leaves no row behind.
package struct DocumentService: Sendable {
    package let registry: Registry
    package let blobs: BlobStore
    package let keys: SigningKeys
    package let signer: DetachedSigner
    package let timeStamper: (any TimeStamper)?
    /// Send without time stamps when the TSA is down, and add them later.
    package let stampLater: Bool
    package let evidence: SigningEvidence
    package let settings: LiveSettings
    /// Whether a signer's key signs only what the signer approved (`signerApproval: required`).
    package let approvalRequired: Bool
    package let approvals: SignerApprovals
    /// The Decree 30 flow for PDFs: signatures inside them, shown on the page.
    package let pdf: PDFIssuing
    package let now: @Sendable () -> Date
    package let logger: Logger

    package init(
        registry: Registry, blobs: BlobStore, signer: DetachedSigner, timeStamper: (any TimeStamper)?,
        stampLater: Bool,
        evidence: SigningEvidence, settings: LiveSettings, keyPassphrase: String?, certificates: URL,
        approvalRequired: Bool, pdf: PDFIssuing, logger: Logger,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.pdf = pdf
        keys = SigningKeys(passphrase: keyPassphrase, certificates: certificates)
        self.approvalRequired = approvalRequired
        approvals = SignerApprovals(registry: registry, now: now)
        self.registry = registry
        self.blobs = blobs
        self.signer = signer
        self.timeStamper = timeStamper
        self.stampLater = stampLater
        self.evidence = evidence
        self.settings = settings
        self.logger = logger
        self.now = now
    }

    // MARK: - Sending

    /// - Parameter idempotency: the request's Idempotency-Key: filed with the document, and a
    ///   document already filed under it is answered instead of sending again.
    package func send(
        _ request: SendRequest, by caller: UserRecord, idempotency: Idempotency? = nil
    ) async throws -> DocumentView {
        try Permissions(caller).require(.send)
        if let idempotency, let filed = try registry.documents.document(requestKey: idempotency.requestKey) {
            try idempotency.requireSameRequest(as: filed.requestSHA256)
            return try view(filed, for: caller.agencyCode, history: false)
        }
        return try await sendChecked(request, by: caller, idempotency: idempotency)
    }

    private func sendChecked(
        _ request: SendRequest, by caller: UserRecord, idempotency: Idempotency?
    ) async throws -> DocumentView {
        // One version of the settings for the whole send: a SIGHUP meanwhile does not mix two.
        let current = settings.current
        let (type, subject, notes, urgency) = try metadata(
            type: request.type, subject: request.subject, notes: request.notes,
            urgency: request.urgency, secrecy: request.secrecy, types: current.types)
        guard let issuer = try registry.directory.agency(caller.agencyCode) else { throw Refusal.internalError }
        guard issuer.isActive else {
            throw Refusal.senderRetired(
                "\(issuer.name) (\(issuer.code)) was retired: a retired agency sends nothing; "
                    + "its successor\(issuer.successorCode.map { " \($0)" } ?? "") sends in its name")
        }
        let authority = try request.authority.map { try AuthorityPrefix(parsing: $0) }
        if let pages = request.pageCount, pages < 1 { throw Refusal.invalidRequest("pageCount must be 1 or more") }
        let language = request.language ?? "vi"
        guard language.count <= 10 else { throw Refusal.invalidRequest("language is an ISO 639 code such as vi") }
        let series = try request.series.map { try NumberSeries(parsing: $0) } ?? .main
        // Validates the symbol's parts before anything is signed.
        _ = try NumberAndSymbol(
            number: 1, type: type, issuerAbbreviation: issuer.abbreviation, draftingUnit: request.draftingUnit,
            series: series)
        let replaces = try request.replaces.map {
            try linkedDocument($0, field: "replaces", issuer: issuer.code, issuedByCaller: true)
        }
        let inReplyTo = try request.inReplyTo.map {
            try linkedDocument($0, field: "inReplyTo", issuer: issuer.code, issuedByCaller: false)
        }

        let recipients = try resolveRecipients(request.to, issuer: issuer)
        let files = try resolveFiles(request.files, agency: issuer.code)

        let issuedAt = now()
        let issueDay = CivilDate.inVietnam(issuedAt)
        let deadline: CivilDate?
        do {
            deadline = try request.deadline.map {
                try DeadlineSpec(parsing: $0).dueDate(issuedOn: issueDay, calendar: current.calendar)
            }
        } catch let error as DeadlineSpecError {
            throw Refusal.invalidDeadline(error.description)
        }
        if let deadline, deadline < issueDay {
            throw DomainError.invalid(
                field: "deadline", value: deadline.description,
                rule: "a reply deadline cannot be before the issue date \(issueDay)")
        }

        // Last of the checks: a clerk hears of every other mistake before asking the signer again.
        let (signerUser, approval) = try approvals.signer(
            for: request, mainFile: files[0].blob.sha256, agency: issuer,
            required: approvalRequired
        ) { try resolveSigner($0, agency: issuer) }
        let signerIdentity = try keys.signer(signerUser)
        let sealIdentity = try keys.seal(of: issuer)
        let id = UUID().uuidString.lowercased()
        let revocation = try await evidence.evidence(for: [signerIdentity, sealIdentity], settings: current, at: now())

        // The signer's visible signature on a PDF main document does not depend on the number: made once.
        // A copy shows the agency's signature alone (Decree 30): no one approves it in the PDF.
        var isCopy = false
        if case .copy = series { isCopy = true }
        let approvedPDF =
            isCopy
            ? nil
            : try await approve(
                files[0], signer: signerUser, identity: signerIdentity, at: issuedAt, timeStamper: timeStamper)
        let year = VietnamTime.year(of: issuedAt)
        var attempts = 0
        var filed: (document: DocumentRecord, deliveries: [DeliveryRecord], files: [DocumentFileRecord])?
        var signatures: [SignatureRecord] = []
        var revisions: [PDFRevisionRecord] = []
        var stamper = timeStamper
        while filed == nil {
            // A PDF shows its number: stamped with the one the register is about to give, and filed only under it.
            let predicted = try registry.documents.nextNumber(
                issuerCode: issuer.code, register: series.register, year: year)
            let numbered = try NumberAndSymbol(
                number: predicted, type: type, issuerAbbreviation: issuer.abbreviation,
                draftingUnit: request.draftingUnit, series: series)
            let issued = try await issue(
                files, documentID: id, approved: approvedPDF, signer: signerIdentity, seal: sealIdentity,
                issuer: issuer,
                series: series, numbered: numbered, at: issuedAt, timeStamper: timeStamper,
                evidence: { [evidence, now] in
                    try await evidence.evidence(for: [signerIdentity, sealIdentity], settings: current, at: now())
                })
            let signed = try await signDetached(
                issued.files, documentID: id, signer: signerIdentity, seal: sealIdentity, evidence: revocation,
                stamper: &stamper, at: issuedAt)
            (signatures, revisions) = (signed.signatures, issued.revisions)
            do {
                let (document, deliveries) = try await fileNumbered(
                    issuer: issuer, series: series, type: type, draftingUnit: request.draftingUnit,
                    issuedAt: issuedAt, expectedNumber: issued.madePDFs.isEmpty ? nil : predicted,
                    files: signed.files, signatureBlobs: issued.madePDFs + signed.blobs, signatures: signatures,
                    revisions: revisions, recipients: recipients,
                    approval: approval?.id, actor: caller.username,
                    record: { number, symbol in
                        DocumentRecord(
                            id: id, issuerCode: issuer.code, issuerName: issuer.name, register: series.register,
                            year: 0, number: number, symbol: symbol, typeName: type.name,
                            typeAbbreviation: type.abbreviation, subject: subject, language: language,
                            pageCount: request.pageCount, notes: notes, urgency: urgency.rawValue,
                            authorityPrefix: authority?.rawValue, signerUsername: signerUser.username,
                            signerName: signerUser.fullName,
                            signerPosition: signerUser.position, deadline: deadline?.description,
                            issuedAt: issuedAt, createdBy: caller.username,
                            replacesID: replaces?.id, repliesToID: inReplyTo?.id,
                            requestKey: idempotency?.requestKey, requestSHA256: idempotency?.requestSHA256)
                    })
                filed = (document, deliveries, signed.files)
            } catch is NumberTaken where attempts < 8 {
                // Another send of the register was filed first: stamp again with the next number.
                attempts += 1
            } catch is NumberTaken {
                throw Refusal.signingFailed("the register kept moving while the PDF was being sealed; nothing was sent")
            }
        }
        let (document, deliveries, fileRecords) = filed!
        let signatureRecords = signatures
        // The identity its exports carry, sealed now that its number exists. The send is filed and
        // acknowledged whatever happens here: IdentityBackfill seals what this could not.
        do {
            try await sealDocumentIdentity(
                of: document, files: fileRecords, deliveries: deliveries, seal: sealIdentity,
                evidence: revocation, stamper: stamper)
        } catch {
            logger.warning("identity not sealed yet", metadata: ["document": "\(id)", "reason": "\(error)"])
        }
        // Answered from what was just filed: a new document has no history, and links only to
        // what it replaces or answers, both of which its issuer may see.
        let links = [("replaces", replaces), ("in-reply-to", inReplyTo)].compactMap { relation, other in
            other.map { Self.link(relation, $0) }
        }
        return try view(
            document, files: fileRecords, signatures: signatureRecords, revisions: revisions,
            deliveries: deliveries.sorted { $0.recipientCode < $1.recipientCode }, events: nil, links: links)
    }

    /// Files a document under the next number of its series, with the symbol formed for that number.
    package func fileNumbered(
        issuer: AgencyRecord, series: NumberSeries, type: DocumentType, draftingUnit: String?, issuedAt: Date,
        expectedNumber: Int? = nil, files: [DocumentFileRecord] = [], signatureBlobs: [BlobRecord] = [],
        signatures: [SignatureRecord] = [], revisions: [PDFRevisionRecord] = [],
        recipients: [(agency: AgencyRecord, addressedTo: String?)] = [], approval: String? = nil, actor: String,
        record: @escaping @Sendable (_ number: Int, _ symbol: String) -> DocumentRecord
    ) async throws -> (DocumentRecord, [DeliveryRecord]) {
        do {
            return try await registry.documents.file(
                issuerCode: issuer.code, register: series.register, year: VietnamTime.year(of: issuedAt),
                makeDocument: { number in
                    if let expectedNumber, number != expectedNumber { throw NumberTaken() }
                    let numbered = try NumberAndSymbol(
                        number: number, type: type, issuerAbbreviation: issuer.abbreviation,
                        draftingUnit: draftingUnit, series: series)
                    return record(number, numbered.symbol)
                },
                files: files, signatureBlobs: signatureBlobs, signatures: signatures, revisions: revisions,
                recipients: recipients,
                approval: approval,
                actor: actor, at: issuedAt)
        } catch RegistryError.approvalUsed(let id) {
            throw Refusal.approvalUnusable(
                "approval \(id) was used, withdrawn or expired while this document was being signed; nothing was sent")
        }
    }

    /// What every document carries, electronic or paper, checked alike: not secret, a known type,
    /// the subject (trích yếu) and notes within Decree 30's lengths, an urgency.
    package func metadata(
        type: String, subject: String, notes: String?, urgency: String?, secrecy: String?,
        types: DocumentTypeCatalog
    ) throws
        -> (DocumentType, subject: String, notes: String?, Urgency)
    {
        try Self.secrecy(secrecy).requireOrdinary()
        return (
            try types.resolve(type), try FieldLimit.subject.check(subject, required: true),
            try notes.map { try FieldLimit.notes.check($0) },
            try urgency.map { try Urgency(parsing: $0) } ?? .normal
        )
    }

    package static func secrecy(_ text: String?) throws(DomainError) -> Secrecy {
        guard let text else { return .none }
        let key = text.trimmingWhitespace().nfc.lowercased()
        let names: [String: Secrecy] = [
            "none": .none, "thường": .none, "": .none,
            "confidential": .confidential, "mật": .confidential, "mat": .confidential,
            "secret": .secret, "tối mật": .secret, "toi-mat": .secret,
            "top-secret": .topSecret, "tuyệt mật": .topSecret, "tuyet-mat": .topSecret,
        ]
        guard let secrecy = names[key] else {
            throw .invalid(field: "secrecy", value: text, rule: "leave it out for an ordinary document")
        }
        return secrecy
    }

    /// The agencies the document goes to: a retired code goes to its successor, which the
    /// delivery records; an agency named twice (or twice through successors) gets one copy.
    private func resolveRecipients(
        _ codes: [String], issuer: AgencyRecord
    ) throws -> [(agency: AgencyRecord, addressedTo: String?)] {
        guard !codes.isEmpty else { throw DomainError.missing(field: "recipients (to)") }
        guard codes.count <= 1000 else { throw Refusal.invalidRequest("at most 1000 recipients per document") }
        var seen: Set<String> = []
        var recipients: [(agency: AgencyRecord, addressedTo: String?)] = []
        for text in codes {
            let code: AgencyCode
            do { code = try AgencyCode(text) } catch { throw error }
            guard let (agency, via) = try registry.directory.resolve(code.rawValue) else {
                guard let named = try registry.directory.agency(code.rawValue) else {
                    throw Refusal.unknownAgency(code: code.rawValue)
                }
                throw Refusal.retiredRecipient(code: named.code, name: named.name)
            }
            guard agency.code != issuer.code else {
                throw Refusal.invalidRequest("\(agency.name) cannot send a document to itself")
            }
            guard seen.insert(agency.code).inserted else { continue }
            recipients.append((agency, via.first))
        }
        return recipients
    }

    private func resolveFiles(_ files: [SendRequest.File], agency: String) throws -> [(name: String, blob: BlobRecord)]
    {
        guard !files.isEmpty else { throw DomainError.missing(field: "files (the main document first)") }
        guard files.count <= 100 else { throw Refusal.invalidRequest("at most 100 files per document") }
        var names: Set<String> = []
        return try files.map { file in
            let name: String
            name = try DocumentFileName.check(file.name)
            guard names.insert(name.lowercased()).inserted else {
                throw Refusal.invalidRequest("two files are named \(name); file names must differ")
            }
            let sha = file.sha256.lowercased()
            guard sha.count == 64, sha.allSatisfy(\.isHexDigit) else {
                throw Refusal.invalidRequest("\(file.sha256) is not a SHA-256 (64 hexadecimal characters)")
            }
            guard let blob = try registry.documents.upload(sha256: sha, agency: agency), blobs.contains(sha) else {
                throw Refusal.fileNotUploaded(sha256: sha)
            }
            return (name, blob)
        }
    }

    /// A signer named by the clerk, or the agency's only one; a signer whose access was revoked signs nothing.
    private func resolveSigner(_ username: String?, agency: AgencyRecord) throws -> UserRecord {
        let signers = try registry.directory.users(agency: agency.code, role: .signer).filter {
            $0.accessRevokedAt == nil
        }
        if let username {
            guard let user = signers.first(where: { $0.username == username }) else {
                throw DomainError.invalid(
                    field: "signer", value: username,
                    rule:
                        "not a signer of \(agency.name); signers: \(signers.map(\.username).joined(separator: ", "))"
                )
            }
            return user
        }
        guard signers.count == 1 else {
            throw signers.isEmpty
                ? DomainError.missing(field: "signer (\(agency.name) has no signer with a signing certificate)")
                : DomainError.invalid(
                    field: "signer", value: "",
                    rule:
                        "\(agency.name) has several signers; name one of \(signers.map(\.username).joined(separator: ", "))"
                )
        }
        return signers[0]
    }

    /// The document a new one replaces (issued by the same agency) or answers (received by it);
    /// any other id is answered as unknown, so that a link cannot probe for other agencies' documents.
    private func linkedDocument(
        _ id: String, field: String, issuer: String, issuedByCaller: Bool
    ) throws -> DocumentRecord {
        let unknown = DomainError.invalid(
            field: field, value: id,
            rule: issuedByCaller
                ? "no document of your agency has this id; a document replaces one its own agency issued"
                : "no document your agency received has this id; a reply answers a document sent to your agency")
        guard UUID(uuidString: id) != nil,
            let (document, isIssuer) = try? accessibleDocument(id.lowercased(), agency: issuer),
            isIssuer == issuedByCaller
        else { throw unknown }
        return document
    }

    // MARK: - Reading

    /// The caller's agency must be the issuer or a recipient; otherwise the document does not exist for it.
    package func accessibleDocument(_ id: String, agency: String) throws -> (DocumentRecord, isIssuer: Bool) {
        guard let document = try registry.documents.document(id) else { throw Refusal.documentNotFound }
        if document.issuerCode == agency { return (document, true) }
        guard let delivery = try registry.documents.delivery(documentID: id, recipient: agency),
            delivery.status != .recallAccepted
        else {
            throw Refusal.documentNotFound
        }
        return (document, false)
    }

    /// The document as the caller's agency sees it; opened by a recipient, it is marked read in their inbox.
    package func document(_ id: String, caller: UserRecord) async throws -> DocumentView {
        try Permissions(caller).require(.readDocuments)
        let (document, _) = try accessibleDocument(id, agency: caller.agencyCode)
        let view = try view(document, for: caller.agencyCode, history: false)
        if document.issuerCode != caller.agencyCode {
            // A convenience: a mark that cannot be written (a busy or full disk) does not fail the reading.
            do {
                try await registry.documents.markOpened(
                    documentID: id, agency: caller.agencyCode, by: caller.username, at: now())
            } catch {
                logger.warning("the document was not marked read", metadata: ["id": "\(id)", "reason": "\(error)"])
            }
        }
        return view
    }

    package func track(_ id: String, caller: UserRecord) throws -> DocumentView {
        try Permissions(caller).require(.readDocuments)
        let (document, _) = try accessibleDocument(id, agency: caller.agencyCode)
        return try view(document, for: caller.agencyCode, history: true)
    }

    /// The stored file and its signature, for the issuer and the recipients only.
    package func file(
        _ id: String, position: Int, caller: UserRecord
    ) throws -> (DocumentFileRecord, content: URL, signature: Data) {
        try Permissions(caller).require(.readDocuments)
        _ = try accessibleDocument(id, agency: caller.agencyCode)
        guard let file = try registry.documents.files(of: id).first(where: { $0.position == position }) else {
            throw Refusal.notFound("the document has no file \(position)")
        }
        return (file, blobs.url(for: file.sha256), try blobs.bytes(of: file.signatureSHA256, heldBy: registry))
    }

    /// A page of the caller's agency's inbox, newest first, narrowed by `query`.
    package func inbox(caller: UserRecord, query: InboxQuery = InboxQuery()) throws -> InboxPage {
        try Permissions(caller).require(.readDocuments)
        let rows = try registry.documents.inbox(agency: caller.agencyCode, filter: try inboxFilter(query))
        return InboxPage(
            entries: rows.entries.map { document, delivery, opened in
                InboxEntry(
                    id: document.id, numberAndSymbol: Self.numberAndSymbol(document),
                    issuer: AgencyRef(code: document.issuerCode, name: document.issuerName),
                    typeName: document.typeName, subject: document.subject,
                    urgency: (Urgency(rawValue: document.urgency) ?? .normal).vietnameseName,
                    issuedAt: document.issuedAt, deadline: document.deadline, status: delivery.status.code,
                    statusName: delivery.status.vietnameseName, arrivalNumber: delivery.arrivalNumber, read: opened)
            }, total: rows.total, unread: rows.unread,
            nextCursor: rows.more ? rows.entries.last?.delivery.id.map(String.init) : nil)
    }

    /// `query` in the registry's terms; what cannot be read is refused, saying how to write it.
    private func inboxFilter(_ query: InboxQuery) throws -> InboxFilter {
        var filter = InboxFilter()
        do {
            filter.statuses = try query.statuses.map(DeliveryStatus.init(parsing:))
            filter.urgencies = try query.urgencies.map(Urgency.init(parsing:))
            filter.sender = try query.sender.map { try AgencyCode($0).rawValue }
        } catch {
            // A query that cannot be read is a bad request, whichever of its values it is.
            throw Refusal.invalidRequest("\(error)")
        }
        let day = { (name: String, text: String?) throws -> CivilDate? in
            try text.map {
                guard let day = CivilDate(iso: $0) else {
                    throw Refusal.invalidRequest("\(name) is a day in Vietnam written 2026-11-01, not \($0)")
                }
                return day
            }
        }
        let (from, to) = (try day("from", query.from), try day("to", query.to))
        if let from, let to, from > to { throw Refusal.invalidRequest("from (\(from)) is after to (\(to))") }
        filter.issuedFrom = from?.startInVietnam
        filter.issuedBefore = to?.adding(days: 1).startInVietnam
        if query.overdue { filter.overdueOn = CivilDate.inVietnam(now()) }
        filter.unreadOnly = query.unread
        if let search = query.search {
            guard search.utf8.count <= 400 else {
                throw Refusal.invalidRequest("search is at most 400 bytes: a number, a symbol or words of a subject")
            }
            filter.search = SearchText.words(search)
        }
        filter.limit = query.limit ?? 50
        guard (1...200).contains(filter.limit) else {
            throw Refusal.invalidRequest("limit is a number of documents from 1 to 200")
        }
        filter.before = try query.cursor.map {
            guard let id = Int64($0), id > 0 else {
                throw Refusal.invalidRequest("cursor is the nextCursor of the page before, not \($0)")
            }
            return id
        }
        return filter
    }

    // MARK: - Receiving

    /// Status 03: accepted and registered, with the next arrival number (số đến).
    package func accept(_ id: String, caller: UserRecord) async throws -> RecipientStatus {
        try await report(id, .accepted, note: nil, caller: caller)
    }

    /// Status 02: returned to the sender, with a reason.
    package func reject(_ id: String, reason: String, caller: UserRecord) async throws -> RecipientStatus {
        let checked: String
        checked = try FieldLimit.reason.check(reason, required: true)
        return try await report(id, .rejected, note: checked, caller: caller)
    }

    /// 04 assigned (to a unit or person), 05 in progress, 06 completed, and the answers to a recall
    /// (15 accepted: the copy leaves the inbox; 16 refused).
    package func report(
        _ id: String, status text: String, to: String?, note: String?, caller: UserRecord
    ) async throws -> RecipientStatus {
        let status = try DeliveryStatus(parsing: text)
        let reportable: [DeliveryStatus] = [
            .assigned, .inProgress, .completed, .recallAccepted, .recallRefused,
        ]
        guard reportable.contains(status) else {
            throw Refusal.invalidRequest(
                "status \(status) is not reported here: 03 with `lienthong ack`, 02 with `reject`, 13 by the sender with `recall`; here: "
                    + reportable.map(\.description).joined(separator: ", "))
        }
        let assignee = try to.map { try FieldLimit.receivingUnits.check($0, required: true) }
        if status == .assigned, assignee == nil {
            throw DomainError.missing(field: "to (the unit or person it is assigned to)")
        }
        return try await report(
            id, status, note: note.map { try FieldLimit.notes.check($0) }, assignee: assignee, caller: caller)
    }

    /// 13: the sender asks every recipient that has not finished with it to accept a recall.
    package func recall(_ id: String, reason: String, caller: UserRecord) async throws -> DocumentView {
        // The role first: a refusal says nothing of a document the caller may not read.
        try Permissions(caller).require(.recall)
        let (document, isIssuer) = try accessibleDocument(id, agency: caller.agencyCode)
        guard isIssuer else {
            throw Refusal.forbidden(
                "only the sender recalls a document; your agency received \(Self.numberAndSymbol(document))")
        }
        guard document.frozenAt == nil else {
            throw Refusal.documentFrozen(
                "\(Self.numberAndSymbol(document)) was already recalled and accepted; its record is frozen")
        }
        let checked: String
        checked = try FieldLimit.reason.check(reason, required: true)
        guard
            await
                !(try registry.documents.requestRecall(
                    documentID: id, actor: caller.username, reason: checked, at: now()))
                .isEmpty
        else {
            let waiting = try registry.documents.deliveries(of: id).filter {
                $0.status == .recallRequested
            }
            guard waiting.isEmpty else {
                throw Refusal.recallPending(
                    "the recall of \(Self.numberAndSymbol(document)) is still waiting for the answer of "
                        + waiting.map(\.recipientName).joined(separator: ", "))
            }
            throw Refusal.nothingToRecall(
                "every recipient has already rejected, completed, or answered a recall of \(Self.numberAndSymbol(document))"
            )
        }
        return try view(registry.documents.document(id)!, for: caller.agencyCode, history: true)
    }

    private func report(
        _ id: String, _ status: DeliveryStatus, note: String?, assignee: String? = nil, caller: UserRecord
    ) async throws -> RecipientStatus {
        // The role first: a statistician's refusal must not name a document it may not read.
        try Permissions(caller).require(.reportStatus)
        let (document, isIssuer) = try accessibleDocument(id, agency: caller.agencyCode)
        guard try !isIssuer || registry.documents.delivery(documentID: id, recipient: caller.agencyCode) != nil else {
            throw Refusal.forbidden(
                "only a recipient reports status \(status.code); your agency sent \(Self.numberAndSymbol(document))")
        }
        let delivery = try await registry.documents.changeStatus(
            documentID: id, recipient: caller.agencyCode, to: status,
            actor: caller.username, note: note, assignee: assignee, at: now())
        return try recipientStatus(delivery, history: nil)
    }

    // MARK: - Deadlines

    /// Open deliveries past their deadline or due within `within` working days, most late first.
    package func overdue(within: Int, incoming: Bool, caller: UserRecord) throws -> [OverdueEntry] {
        try Permissions(caller).require(.readDocuments)
        guard (0...365).contains(within) else {
            throw Refusal.invalidRequest("within is a number of working days from 0 to 365")
        }
        let today = CivilDate.inVietnam(now())
        let calendar = settings.current.calendar
        return try registry.registers.openDeliveriesWithDeadline(agency: caller.agencyCode, incoming: incoming)
            .compactMap {
                document, delivery in
                guard let deadline = document.deadline.flatMap(CivilDate.init(iso:)),
                    let late = Self.workingDaysLate(
                        deadline: deadline, today: today, within: within, calendar: calendar)
                else { return nil }
                return OverdueEntry(
                    id: document.id, numberAndSymbol: Self.numberAndSymbol(document), subject: document.subject,
                    counterpart: incoming
                        ? AgencyRef(code: document.issuerCode, name: document.issuerName)
                        : AgencyRef(code: delivery.recipientCode, name: delivery.recipientName),
                    status: delivery.status.code, statusName: delivery.status.vietnameseName,
                    deadline: deadline.description, workingDaysLate: late)
            }.sorted { $0.workingDaysLate > $1.workingDaysLate }
    }

    /// Working days past `deadline` at `today` (negative while to come), when it is past or due
    /// within `within` working days; nil otherwise.
    package static func workingDaysLate(
        deadline: CivilDate, today: CivilDate, within: Int, calendar: WorkingDayCalendar
    ) -> Int? {
        guard deadline <= calendar.adding(workingDays: within, to: today) else { return nil }
        return calendar.workingDays(from: deadline, to: today)
    }

    // MARK: - Views

    package static func numberAndSymbol(_ document: DocumentRecord) -> String {
        "\(NumberAndSymbol.format(document.number))/\(document.symbol)"
    }

    package func view(_ document: DocumentRecord, for agency: String, history: Bool) throws -> DocumentView {
        let deliveries = try registry.documents.deliveries(of: document.id).filter {
            document.issuerCode == agency || $0.recipientCode == agency
        }
        return try view(
            document, files: registry.documents.files(of: document.id),
            signatures: registry.documents.signatures(of: document.id),
            revisions: registry.documents.pdfRevisions(of: document.id),
            deliveries: deliveries,
            events: history ? try registry.documents.history(of: deliveries.compactMap(\.id)) : nil,
            links: try links(of: document, for: agency))
    }

    /// - Parameter events: status histories by delivery id; nil for a view without them.
    private func view(
        _ document: DocumentRecord, files: [DocumentFileRecord], signatures: [SignatureRecord],
        revisions: [PDFRevisionRecord], deliveries: [DeliveryRecord],
        events: [Int64: [StatusEventRecord]]?, links: [DocumentLink]
    ) throws -> DocumentView {
        DocumentView(
            id: document.id, numberAndSymbol: Self.numberAndSymbol(document), number: document.number,
            symbol: document.symbol,
            issuer: AgencyRef(code: document.issuerCode, name: document.issuerName), typeName: document.typeName,
            typeAbbreviation: document.typeAbbreviation, subject: document.subject,
            urgency: (Urgency(rawValue: document.urgency) ?? .normal).vietnameseName,
            authority: document.authorityPrefix,
            signerName: document.signerName, signerPosition: document.signerPosition, issuedAt: document.issuedAt,
            deadline: document.deadline,
            files: files.map { file in
                let own = revisions.filter { $0.filePosition == file.position }.map {
                    PDFRevision(revision: $0.revision, content: $0.content, length: $0.length, sha256: $0.sha256)
                }
                return FileInfo(
                    position: file.position, name: file.name, sha256: file.sha256, size: file.size,
                    kind: file.kind.rawValue, signatureSHA256: file.signatureSHA256,
                    timeStampPending: file.awaitingTimeStamp, revisions: own.isEmpty ? nil : own)
            },
            signatures: signatures.map {
                SignatureInfo(
                    filePosition: $0.filePosition, role: $0.role.rawValue, commonName: $0.commonName,
                    organization: $0.organization,
                    serialNumber: $0.serialNumber, algorithm: $0.algorithm, signedAt: $0.signedAt)
            },
            recipients: try deliveries.map { delivery in
                try recipientStatus(delivery, history: events.map { $0[delivery.id ?? 0] ?? [] })
            },
            frozenAt: document.frozenAt, series: document.register, medium: document.medium.rawValue,
            links: links)
    }

    /// Links to and from `document`, keeping only the documents `agency` may see.
    private func links(of document: DocumentRecord, for agency: String) throws -> [DocumentLink] {
        var linked: [(String, DocumentRecord?)] = [
            ("replaces", try document.replacesID.flatMap { try registry.documents.document($0) }),
            ("in-reply-to", try document.repliesToID.flatMap { try registry.documents.document($0) }),
        ]
        linked += try registry.documents.documents(replacing: document.id).map { ("replaced-by", $0) }
        linked += try registry.documents.documents(answering: document.id).map { ("answered-by", $0) }
        return linked.compactMap { relation, other in
            guard let other, (try? accessibleDocument(other.id, agency: agency)) != nil else { return nil }
            return Self.link(relation, other)
        }
    }

    package static func link(_ relation: String, _ other: DocumentRecord) -> DocumentLink {
        DocumentLink(
            relation: relation, id: other.id, numberAndSymbol: numberAndSymbol(other),
            issuer: AgencyRef(code: other.issuerCode, name: other.issuerName))
    }

    package func recipientStatus(_ delivery: DeliveryRecord, history: [StatusEventRecord]?) throws -> RecipientStatus {
        RecipientStatus(
            recipient: AgencyRef(code: delivery.recipientCode, name: delivery.recipientName),
            status: delivery.status.code, statusName: delivery.status.vietnameseName,
            arrivalNumber: delivery.arrivalNumber, updatedAt: delivery.updatedAt, assignee: delivery.assignee,
            addressedTo: delivery.addressedTo,
            history: history?.map {
                StatusEvent(
                    status: $0.status.code, statusName: $0.status.vietnameseName,
                    at: $0.at, actor: $0.actor, note: $0.note, assignee: $0.assignee)
            })
    }
}
