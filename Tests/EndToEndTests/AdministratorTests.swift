import Foundation
import Testing

/// The administrator's commands say what they found, in words and exit statuses: the audit chain and the row seals
/// edited by hand with `sqlite3`, a stored file and a signature changed, a backup. What the server finds is tested
/// in process (AuditHTTPTests, MaintenanceHTTPTests); this is how the CLI tells it.
@Suite("End to end: the administrator's commands")
struct AdministratorTests {
    let daemon: DaemonUnderTest
    let admin = "admin.tinh-dien-bien"

    init() throws { daemon = try DaemonUnderTest() }

    /// The province sends a document of `type` to Na Son, which registers it; its id.
    private func sendAndRegister(_ type: String, subject: String) throws -> String {
        let file = try daemon.write("\(UUID().uuidString).pdf", "\(subject)\n")
        let sent = try daemon.cli(
            ["send", file, "--to", "000.01.21.H18", "--type", type, "--subject", subject, "--json"],
            as: "clerk.tinh-dien-bien")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String, "\(sent.stderr)")
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        return id
    }

    private func sqlite(_ sql: String) throws -> Run {
        try run(
            URL(fileURLWithPath: "/usr/bin/sqlite3"), [daemon.path("data/registry.sqlite"), sql], in: daemon.workspace)
    }

    private func files(of id: String) throws -> [String: Any] {
        let view = try json(daemon.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien").stdout) as? [String: Any]
        return try #require((view?["files"] as? [[String: Any]])?.first)
    }

    @Test func whatTheChecksFindIsSaidAndExitsNonZero() throws {
        let notice = try sendAndRegister("TB", subject: "Thông báo 1")
        let directive = try sendAndRegister("CT", subject: "Về cải cách")

        let holds = try daemon.cli(["admin", "audit", "verify"], as: admin)
        #expect(holds.status == 0 && holds.stdout.contains("The audit log holds"), "\(holds.stdout)\(holds.stderr)")
        let clerk = try daemon.cli(["admin", "audit", "verify"], as: "clerk.tinh-dien-bien")
        #expect(clerk.status != 0 && clerk.stderr.contains("only an administrator"))
        let clean = try daemon.cli(["admin", "check"], as: admin)
        #expect(
            clean.status == 0 && clean.stdout.contains("none changed outside LienThong"),
            "\(clean.stdout)\(clean.stderr)")

        // A backup, and the refusals of one into a used folder, a relative path, or by a clerk.
        let backup = try daemon.cli(["admin", "backup", daemon.path("backup"), "--json"], as: admin)
        #expect(backup.status == 0, "\(backup.stderr)")
        let again = try daemon.cli(["admin", "backup", daemon.path("backup")], as: admin)
        #expect(again.status != 0 && again.stderr.contains("not an empty directory"), "\(again.stderr)")
        #expect(try daemon.cli(["admin", "backup", "relative/dir"], as: admin).stderr.contains("absolute path"))
        #expect(try daemon.cli(["admin", "backup", daemon.path("b2")], as: "clerk.tinh-dien-bien").status != 0)

        // A stored file rewritten on disk, and a signature zeroed in the registry.
        let sha = try #require(try files(of: notice)["sha256"] as? String)
        let stored = daemon.path("data/blobs/\(sha.prefix(2))/\(sha)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: stored)
        try Data("Thông báo đã bị sửa\n".utf8).write(to: URL(fileURLWithPath: stored))
        let signature = try #require(try files(of: directive)["signatureSHA256"] as? String)
        let zeroed = try sqlite("UPDATE blob SET bytes = zeroblob(length(bytes)) WHERE sha256 = '\(signature)';")
        #expect(zeroed.status == 0, "\(zeroed.stderr)")
        // A row edited once its seal trigger is dropped.
        let edited = try sqlite(
            "DROP TRIGGER rowSeal_document_update; "
                + "UPDATE document SET subject = 'Về việc khác' WHERE id = '\(directive)';")
        #expect(edited.status == 0, "\(edited.stderr)")
        let check = try daemon.cli(["admin", "check"], as: admin)
        #expect(check.status == 1)
        #expect(
            check.stdout.contains("CHANGED \(sha)") && check.stdout.contains("01/TB-UBND (\(notice))"),
            "\(check.stdout)")
        #expect(
            check.stdout.contains("CHANGED \(signature)") && check.stdout.contains("(\(directive))"), "\(check.stdout)")
        #expect(
            check.stdout.contains("EDITED document \(directive) was changed outside LienThong"), "\(check.stdout)")
        #expect(
            check.stdout.contains("TRIGGER-CHANGED the trigger rowSeal_document_update was dropped"), "\(check.stdout)")

        // The directive's registration made to look as if another clerk had done it.
        let list = try daemon.cli(["admin", "audit", "list", "--json"], as: admin)
        let entries = try #require(try json(list.stdout) as? [[String: Any]])
        let statusEntry = try #require(
            entries.first { $0["action"] as? String == "delivery.status" }?["id"] as? Int, "\(entries)")
        let forged = try sqlite(
            "DROP TRIGGER auditEntry_no_update; "
                + "UPDATE auditEntry SET actor = 'clerk.xa-phi-nhu' WHERE id = \(statusEntry);")
        #expect(forged.status == 0, "\(forged.stderr)")
        let broken = try daemon.cli(["admin", "audit", "verify"], as: admin)
        #expect(broken.status == 1)
        #expect(
            broken.stdout.contains("BROKEN at entry \(statusEntry)")
                && broken.stdout.contains("was changed after it was written"), "\(broken.stdout)")
    }
}
