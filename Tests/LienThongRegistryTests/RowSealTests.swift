import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain
import Testing

@testable import LienThongRegistry

/// Rows of legal meaning changed outside LienThong, with the `sqlite3` shell or any other SQLite
/// client: refused while the seal triggers stand, and found and named by `checkRowSeals` after.
@Suite("Row seals: edits outside LienThong are found and named")
struct RowSealTests {
    let registry: Registry
    let path: String
    let document: DocumentRecord

    init() async throws {
        path = try Sample.registryPath("seals")
        registry = try Registry(path: path, sealSecret: "mật khẩu của khóa")
        try await registry.directory.seed(agencies: [Sample.issuer, Sample.commune], users: [])
        let (id, now) = (UUID().uuidString.lowercased(), Date())
        document = try await registry.documents.file(
            issuerCode: Sample.issuer.code, register: "main", year: 2026,
            makeDocument: {
                Sample.directive(id: id, number: $0, year: 2026, at: now, subject: "Về cải cách hành chính")
            },
            files: [], signatureBlobs: [], signatures: [], recipients: [(Sample.commune, nil)], approval: nil,
            actor: "clerk",
            at: now
        ).0
        _ = try await registry.documents.changeStatus(
            documentID: id, recipient: Sample.commune.code, to: .accepted, actor: "c", note: nil, at: now)
    }

    /// A connection as the `sqlite3` shell opens it: without LienThong's functions.
    func byHand(_ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
    }

    @Test func whatLienThongWritesIsSealedAndTheShellCannotChangeIt() async throws {
        let (rows, problems) = try registry.maintenance.checkRowSeals()
        #expect(problems.isEmpty, "\(problems)")
        #expect(rows >= 6, "agencies, the document, its delivery and its two statuses")
        #expect(throws: (any Error).self) { try byHand("UPDATE document SET subject = 'Đã sửa'") }
        #expect(throws: (any Error).self) { try byHand("DELETE FROM statusEvent") }
        #expect(try registry.maintenance.checkRowSeals().problems.isEmpty)
    }

    @Test(arguments: [
        (
            "DROP TRIGGER rowSeal_document_update; UPDATE document SET subject = 'Về việc khác'", "document",
            RowSealProblem.Kind.edited
        ),
        ("DROP TRIGGER rowSeal_delivery_update; UPDATE delivery SET arrivalNumber = 7", "delivery", .edited),
        (
            "DROP TRIGGER rowSeal_statusEvent_insert; INSERT INTO statusEvent (deliveryID, status, at, actor) "
                + "SELECT deliveryID, '06', at, actor FROM statusEvent LIMIT 1", "statusEvent", .added
        ),
        (
            "DROP TRIGGER rowSeal_statusEvent_delete; DELETE FROM statusEvent WHERE status = '03'", "statusEvent",
            .deleted
        ),
        (
            "DROP TRIGGER rowSeal_statusEvent_delete; DELETE FROM statusEvent WHERE status = '03'; "
                + "DELETE FROM rowSeal WHERE tableName = 'statusEvent' AND label LIKE '% status 03 %'", "statusEvent",
            .sealsChanged
        ),
    ])
    func anEditOutsideLienThongIsFoundAndNamed(sql: String, table: String, kind: RowSealProblem.Kind) throws {
        try byHand(sql)
        let problems = try registry.maintenance.checkRowSeals().problems
        #expect(problems.contains { $0.table == table && $0.kind == kind }, "\(problems)")
        #expect(
            problems.contains { $0.kind == .triggerChanged && $0.table == table }, "the dropped trigger is named too")
        if table == "document" {
            #expect(problems.contains { $0.row == document.id && $0.detail.contains("changed outside LienThong") })
        }
    }

    @Test func aSealForgedWithoutTheKeyDoesNotHide() async throws {
        // The forger knows how LienThong seals, but not the daemon's passphrase.
        let forged = RowSeals.seal(
            [DatabaseValue(value: "Về việc khác")!],
            key: Digest.hmacSHA256(key: Array("lienthong row seals v1".utf8), []))
        try byHand(
            "DROP TRIGGER rowSeal_document_update; UPDATE document SET subject = 'Về việc khác'; "
                + "UPDATE rowSeal SET seal = x'\(forged.map { String(format: "%02x", $0) }.joined())' "
                + "WHERE tableName = 'document'"
        )
        let problems = try registry.maintenance.checkRowSeals().problems
        #expect(problems.contains { $0.table == "document" && $0.kind == .edited })
        #expect(problems.contains { $0.table == "document" && $0.kind == .sealsChanged })
    }

    @Test func anObjectThatCallsTheSealFunctionsIsNamed() async throws {
        // Planted to make LienThong's own connection seal a row edited by hand, at its next write.
        try byHand(
            "CREATE TRIGGER quiet AFTER INSERT ON auditEntry BEGIN "
                + "UPDATE rowSeal SET seal = lienthong_seal('document') WHERE tableName = 'document'; END")
        let problems = try registry.maintenance.checkRowSeals().problems
        #expect(problems.contains { $0.kind == .foreignObject && $0.table == "quiet" }, "\(problems)")
    }
}
