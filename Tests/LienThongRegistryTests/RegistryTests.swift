import Foundation
import LienThongCrypto
import LienThongDomain
import Synchronization
import Testing

@_spi(Import) @testable import LienThongRegistry

@Suite("The SQLite registry")
struct RegistryTests {
    let registry: Registry
    let issuer = Sample.issuer
    let commune = Sample.commune

    init() async throws {
        registry = try Registry.inMemory()
        try await registry.directory.seed(agencies: [issuer, commune], users: [])
    }

    /// Documents brought in from an earlier system are searched like those filed here.
    @Test func anImportedDocumentIsFoundByItsWordsWithoutDiacritics() async throws {
        let at = Date(timeIntervalSince1970: 1_790_000_000)
        let document = Sample.directive(
            id: UUID().uuidString.lowercased(), number: 7, year: 2026, at: at, subject: "Về CẢI CÁCH hành chính")
        let delivery = DeliveryRecord(
            id: nil, documentID: document.id, recipientCode: commune.code, recipientName: commune.name,
            status: .arrived, arrivalNumber: nil, arrivalYear: nil, updatedAt: at)
        try await registry.registers.importHistory(
            [HistoricalDocument(document: document, signatures: [], deliveries: [(delivery, [])])])
        var filter = InboxFilter()
        for (words, found) in [("cai cach", true), ("07/ct-ubnd", true), ("lut bao", false)] {
            filter.search = SearchText.words(words)
            let rows = try registry.documents.inbox(agency: commune.code, filter: filter)
            #expect(rows.entries.map(\.document.id) == (found ? [document.id] : []), "\(words)")
        }
    }

    private func file(
        year: Int = 2026, at date: Date = Date(), approval: String? = nil, signatureBlobs: [BlobRecord] = [],
        to recipient: AgencyRecord? = nil
    ) async throws -> DocumentRecord {
        let id = UUID().uuidString.lowercased()
        return try await registry.documents.file(
            issuerCode: issuer.code, register: "main", year: year,
            makeDocument: { Sample.directive(id: id, number: $0, year: year, at: date) },
            files: [], signatureBlobs: signatureBlobs, signatures: [], recipients: [(recipient ?? commune, nil)],
            approval: approval, actor: "clerk", at: date
        ).0
    }

    @Test func signaturesAreHeldInTheRegistryAndOnlyFilesOnDiskAreListedAsFiles() async throws {
        let upload = String(repeating: "a", count: 64)
        try await registry.documents.recordUpload(sha256: upload, size: 10, agency: issuer.code, at: Date())
        let cms = Data("chữ ký số".utf8)
        let held = BlobRecord(sha256: Digest.sha256(cms), size: Int64(cms.count), createdAt: Date(), bytes: cms)
        _ = try await file(signatureBlobs: [held])
        // The same bytes filed again (a document signed twice alike) are kept once.
        _ = try await file(signatureBlobs: [held])
        #expect(try registry.documents.heldBytes(held.sha256) == cms)
        #expect(try registry.documents.heldBytes(upload) == nil)
        #expect(try registry.maintenance.blobHashes() == [upload])
        let check = try registry.maintenance.checkHeldBlobs()
        #expect(check.count == 1 && check.bytes == Int64(cms.count) && check.changed.isEmpty)
        // The same bytes uploaded as a file (a .p7s forwarded as an attachment) are a file on disk
        // from then on: listed, so that a start does not remove them as an orphan.
        try await registry.documents.recordUpload(sha256: held.sha256, size: held.size, agency: issuer.code, at: Date())
        #expect(try registry.maintenance.blobHashes() == [upload, held.sha256])
        #expect(try registry.documents.heldBytes(held.sha256) == nil)
        #expect(try registry.documents.upload(sha256: held.sha256, agency: issuer.code)?.sha256 == held.sha256)
    }

    @Test func documentsWithoutTheirSealedIdentityAreFoundFromACursor() async throws {
        let seal = { (id: String, bytes: String, signature: UInt8) in
            try await registry.documents.saveSealedIdentity(
                SealedIdentityRecord(
                    documentID: id, identity: Data(bytes.utf8),
                    signature: Data([signature]), sealedAt: Date()))
        }
        let first = try await file()
        let second = try await file()
        var (pending, next) = try registry.documents.documentsAwaitingSealedIdentity(after: nil)
        #expect(pending.map(\.id) == [first.id, second.id])
        // A pass that seals the first leaves the second for the next pass, from where it stopped.
        try await seal(first.id, "{}", 1)
        (pending, next) = try registry.documents.documentsAwaitingSealedIdentity(after: next)
        #expect(pending.map(\.id) == [second.id])
        try await seal(second.id, "{}", 2)
        // A second seal for the same document is ignored: recipients may hold the first.
        try await seal(second.id, "[]", 3)
        #expect(try registry.documents.sealedIdentity(of: second.id)?.signature == Data([2]))
        (pending, next) = try registry.documents.documentsAwaitingSealedIdentity(after: next)
        #expect(pending.isEmpty)
        // The cursor has moved past everything sealed; a document filed later is found.
        let third = try await file()
        #expect(try registry.documents.documentsAwaitingSealedIdentity(after: next).documents.map(\.id) == [third.id])
        let audit = try registry.audit.verify()
        #expect(audit.firstBroken == nil)
        #expect(try registry.audit.entries(limit: 10).filter { $0.action == "identity.sealed" }.count == 2)
    }

    @Test func numbersRunFromOneEachYearWithoutGaps() async throws {
        var numbers: [Int] = []
        for _ in 1...5 { numbers.append(try await file().number) }
        #expect(numbers == [1, 2, 3, 4, 5])
        #expect(try await file(year: 2027).number == 1)
        #expect(try await file().number == 6)
    }

    @Test func concurrentSendsGetEachNumberExactlyOnce() async throws {
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<200 { group.addTask { try await file().number } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...200))
    }

    @Test func filingsCommittedTogetherFailAloneAndLeaveNothingBehind() async throws {
        // Not in the directory: the delivery's foreign key refuses it after the document row and
        // the figures were written, so only the filing's own savepoint can take those back.
        let unknown = AgencyRecord(
            code: "000.99.99.H18", name: "Không có", abbreviation: "X", parentCode: nil, isActive: true,
            sealCertificatePath: nil, sealKeyPath: nil)
        let auditBefore = try registry.audit.verify().entries
        // Forty at once: more than the disk's threads, so that filings queue and commit in groups.
        let numbers = await withTaskGroup(of: Int?.self) { group in
            for n in 0..<40 { group.addTask { try? await file(to: n % 5 == 0 ? unknown : commune).number } }
            return await group.reduce(into: [Int]()) { if let number = $1 { $0.append(number) } }
        }
        #expect(numbers.sorted() == Array(1...32))
        #expect(try registry.documents.documentCount() == 32)
        #expect(try registry.documents.inbox(agency: commune.code, filter: InboxFilter()).entries.count == 32)
        let audit = try registry.audit.verify()
        #expect(audit.problem == nil)
        #expect(audit.entries == auditBefore + 32)
    }

    @Test func acceptingAssignsArrivalNumbersInTheRecipientsRegister() async throws {
        let first = try await file()
        let second = try await file()
        let accepted = try await registry.documents.changeStatus(
            documentID: second.id, recipient: commune.code, to: .accepted, actor: "c", note: nil, at: Date())
        #expect(accepted.arrivalNumber == 1)
        #expect(
            try await registry.documents.changeStatus(
                documentID: first.id, recipient: commune.code, to: .accepted, actor: "c", note: nil, at: Date()
            ).arrivalNumber == 2)
        let delivery = try #require(try registry.documents.delivery(documentID: first.id, recipient: commune.code))
        #expect(
            try registry.documents.history(of: [delivery.id!])[delivery.id!]?.map(\.status) == [.arrived, .accepted])
    }

    @Test func aRefusedTransitionChangesNothing() async throws {
        let document = try await file()
        await #expect(throws: DomainError.self) {
            try await registry.documents.changeStatus(
                documentID: document.id, recipient: commune.code, to: .completed, actor: "c", note: nil, at: Date())
        }
        let delivery = try #require(try registry.documents.delivery(documentID: document.id, recipient: commune.code))
        #expect(delivery.status == .arrived)
        #expect(try registry.documents.history(of: [delivery.id!])[delivery.id!]?.count == 1)
        await #expect(throws: RegistryError.notFound) {
            try await registry.documents.changeStatus(
                documentID: document.id, recipient: issuer.code, to: .accepted, actor: "c", note: nil, at: Date())
        }
    }

    @Test func aRefusedDocumentLeavesNoRow() async throws {
        struct Refused: Error {}
        await #expect(throws: Refused.self) {
            try await registry.documents.file(
                issuerCode: issuer.code, register: "main", year: 2026, makeDocument: { _ in throw Refused() },
                files: [], signatureBlobs: [], signatures: [], recipients: [(commune, nil)], actor: "clerk", at: Date())
        }
        #expect(try await file().number == 1)
    }

    @Test func anApprovalIsUsedOnceAndNeverAfterItExpiresOrIsWithdrawn() async throws {
        let signer = UserRecord(
            username: "signer.tinh", fullName: "Chủ tịch", position: "Chủ tịch", agencyCode: issuer.code, role: .signer,
            certificatePath: nil, keyPath: nil)
        try await registry.directory.seed(agencies: [], users: [signer])
        let now = Date()
        func grant(expiresIn seconds: TimeInterval) async throws -> String {
            let approval = SignerApprovalRecord(
                id: UUID().uuidString.lowercased(), agencyCode: issuer.code, signerUsername: signer.username,
                sha256: String(repeating: "0", count: 64), note: nil, createdAt: now.addingTimeInterval(-7200),
                expiresAt: now.addingTimeInterval(seconds))
            try await registry.approvals.grant(approval)
            return approval.id
        }
        let open = try await grant(expiresIn: 3600)
        let expired = try await grant(expiresIn: -1)
        let withdrawn = try await grant(expiresIn: 3600)
        #expect(
            try registry.approvals.open(agency: issuer.code, at: now).map(\.id).sorted() == [open, withdrawn].sorted())
        #expect(try await registry.approvals.withdraw(withdrawn, actor: signer.username, at: now)?.withdrawnAt != nil)
        #expect(try await registry.approvals.withdraw(withdrawn, actor: signer.username, at: now) == nil)

        let document = try await file(at: now, approval: open)
        #expect(try registry.approvals.approval(open)?.documentID == document.id)
        for unusable in [open, expired, withdrawn] {
            await #expect(throws: RegistryError.approvalUsed(unusable)) { try await file(at: now, approval: unusable) }
        }
        // The refused sends left no document and no gap: the next number follows the first.
        #expect(try await file().number == 2)
        #expect(try registry.approvals.open(agency: issuer.code, at: now).isEmpty)
        #expect(try registry.approvals.approval(expired)?.unusable(at: now)?.contains("expired") == true)
    }
}

@Suite("The audit chain")
struct AuditChainTests {
    let registry: Registry
    let path: String

    init() async throws {
        path = try Sample.registryPath("audit")
        registry = try Registry(path: path)
        try await registry.directory.seed(
            agencies: [
                AgencyRecord(
                    code: "000.00.00.H18", name: "Tỉnh", abbreviation: "UBND", parentCode: nil, isActive: true,
                    sealCertificatePath: nil, sealKeyPath: nil)
            ], users: [])
        for (index, name) in ["Xã A", "Xã B", "Xã C"].enumerated() {
            _ = try await registry.directory.importAgency(
                code: "000.0\(index + 1).21.H18", name: name, abbreviation: "UBND", parentCode: "000.00.00.H18",
                actor: "admin")
        }
        _ = try await registry.directory.retire("000.03.21.H18", successor: "000.02.21.H18", actor: "admin", at: Date())
    }

    @Test func everyChangeIsChainedAndTheChainHolds() async throws {
        let check = try registry.audit.verify()
        #expect(check.entries == 5 && check.firstBroken == nil)
        let entries = try registry.audit.entries(limit: 10)
        #expect(
            entries.map(\.action) == [
                "agency.retired", "agency.added", "agency.added", "agency.added", "directory.seeded",
            ])
        #expect(zip(entries, entries.dropFirst()).allSatisfy { $0.previousHash == $1.hash })
        // Importing the same line again changes nothing and records nothing.
        #expect(
            try await registry.directory.importAgency(
                code: "000.01.21.H18", name: "Xã A", abbreviation: "UBND", parentCode: "000.00.00.H18", actor: "admin")
                == .unchanged)
        #expect(try registry.audit.verify().entries == 5)
    }

    @Test func theProgramCannotRewriteTheLog() async throws {
        #expect(throws: (any Error).self) {
            try registry.database.pool.write { try $0.execute(sql: "UPDATE auditEntry SET actor = 'x' WHERE id = 2") }
        }
        #expect(throws: (any Error).self) {
            try registry.database.pool.write { try $0.execute(sql: "DELETE FROM auditEntry WHERE id = 2") }
        }
        #expect(try registry.audit.verify().firstBroken == nil)
    }

    /// Someone with the file drops the triggers and edits, deletes or inserts rows by hand.
    @Test(arguments: [
        ("UPDATE auditEntry SET detail = 'successor none' WHERE id = 5", Int64(5), "was changed after it was written"),
        ("DELETE FROM auditEntry WHERE id = 3", 3, "entry 3 is missing"),
        ("UPDATE auditEntry SET previousHash = hash, hash = previousHash WHERE id = 2", 2, "entry 2"),
    ])
    func anEditByHandIsFoundAndNamed(sql: String, broken: Int64, problem: String) throws {
        try registry.database.pool.write { db in
            try db.execute(sql: "DROP TRIGGER auditEntry_no_update; DROP TRIGGER auditEntry_no_delete")
            try db.execute(sql: sql)
        }
        let check = try registry.audit.verify()
        #expect(check.firstBroken == broken, "\(check)")
        #expect(check.problem?.contains(problem) == true, "\(check.problem ?? "")")
    }
}
