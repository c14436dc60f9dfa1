import Foundation
import Testing

/// A record nobody can rewrite: the audit chain of a real daemon, edited by hand with `sqlite3`.
@Suite("End to end: the audit log", .serialized)
final class AuditTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try DaemonUnderTest() }

    /// The province sends a document of `type` to Na Son, which registers it; its id.
    func sendAndRegister(_ type: String, subject: String) throws -> String {
        let file = try daemon.write("\(UUID().uuidString).pdf", "%PDF-1.7 \(subject)\n")
        let sent = try daemon.cli(
            ["send", file, "--to", "000.01.21.H18", "--type", type, "--subject", subject, "--json"],
            as: "clerk.tinh-dien-bien")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
        #expect(try daemon.cli(["ack", id], as: "clerk.xa-na-son").status == 0)
        return id
    }

    @Test func anEditOfTheSQLiteFileByHandIsFound() throws {
        _ = try sendAndRegister("QĐ", subject: "Quyết định")

        let holds = try daemon.cli(["admin", "audit", "verify"], as: "admin.tinh-dien-bien")
        #expect(holds.status == 0 && holds.stdout.contains("The audit log holds"), "\(holds.stdout)\(holds.stderr)")
        let list = try daemon.cli(["admin", "audit", "list", "--json"], as: "admin.tinh-dien-bien")
        let entries = try #require(try json(list.stdout) as? [[String: Any]])
        let actions = entries.prefix(3).compactMap { $0["action"] as? String }
        #expect(actions == ["delivery.status", "identity.sealed", "document.filed"])
        #expect(entries.first?["actor"] as? String == "clerk.xa-na-son")
        let clerk = try daemon.cli(["admin", "audit", "verify"], as: "clerk.tinh-dien-bien")
        #expect(clerk.status != 0 && clerk.stderr.contains("only an administrator"))

        // Someone with the file makes the acceptance look as if it were by another clerk.
        let statusEntry = try #require(entries.first?["id"] as? Int)
        let edit = try run(
            URL(fileURLWithPath: "/usr/bin/sqlite3"),
            [
                daemon.path("data/registry.sqlite"),
                "DROP TRIGGER auditEntry_no_update; UPDATE auditEntry SET actor = 'clerk.xa-phi-nhu' WHERE id = \(statusEntry);",
            ], in: daemon.workspace)
        #expect(edit.status == 0, "\(edit.stderr)")
        let broken = try daemon.cli(["admin", "audit", "verify"], as: "admin.tinh-dien-bien")
        #expect(broken.status == 1)
        #expect(
            broken.stdout.contains("BROKEN at entry \(statusEntry)")
                && broken.stdout.contains("was changed after it was written"), "\(broken.stdout)")
    }

    @Test func aRowEditedWithTheSQLiteShellIsFoundAndNamedByAdminCheck() throws {
        let id = try sendAndRegister("CT", subject: "Về cải cách")
        let clean = try daemon.cli(["admin", "check"], as: "admin.tinh-dien-bien")
        #expect(
            clean.status == 0 && clean.stdout.contains("none changed outside LienThong"),
            "\(clean.stdout)\(clean.stderr)")

        let registry = daemon.path("data/registry.sqlite")
        let shell = { (sql: String) in
            try run(URL(fileURLWithPath: "/usr/bin/sqlite3"), [registry, sql], in: self.daemon.workspace)
        }
        // While the seal triggers stand, the shell cannot change the document at all.
        let refused = try shell("UPDATE document SET subject = 'Về việc khác' WHERE id = '\(id)'")
        #expect(refused.status != 0 && refused.stderr.contains("no such function: lienthong_"), "\(refused.stderr)")
        // Dropping them first lets the edit through, and the register serves it; admin check names it.
        let edited = try shell(
            "DROP TRIGGER rowSeal_document_update; UPDATE document SET subject = 'Về việc khác' WHERE id = '\(id)';")
        #expect(edited.status == 0, "\(edited.stderr)")
        let check = try daemon.cli(["admin", "check"], as: "admin.tinh-dien-bien")
        #expect(check.status == 1)
        #expect(check.stdout.contains("EDITED document \(id) was changed outside LienThong"), "\(check.stdout)")
        #expect(
            check.stdout.contains("TRIGGER-CHANGED the trigger rowSeal_document_update was dropped"), "\(check.stdout)")
    }
}
