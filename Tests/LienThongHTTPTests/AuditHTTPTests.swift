import Foundation
import LienThongTestSupport
import Testing

private let admin = "admin.tinh-dien-bien"

/// A record nobody can rewrite: the audit chain and the sealed rows of the server's real SQLite file, edited by
/// hand with the `sqlite3` shell, over HTTP in process.
@Suite("The audit log, over HTTP in process")
struct AuditHTTPTests {
    private static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Runs `sql` with the `sqlite3` shell on the server's registry, as anyone with the file can.
    static func sqlite3(_ server: LiveServer, _ sql: String) throws -> (status: Int32, output: String) {
        let registry = server.workspace.configuration.dataURL.appendingPathComponent("registry.sqlite")
        return try run("sqlite3", [registry.path, sql])
    }

    /// The province sends a document of `type` to Na Son, which registers it (`lienthong send … --json`, then
    /// `lienthong ack`); its id.
    private static func sendAndRegister(_ server: LiveServer, _ type: String, subject: String) async throws -> String {
        let upload = try await server.http(
            "POST", "/v1/files", body: Data("\(subject)\n".utf8), as: "clerk.tinh-dien-bien")
        let sha = try #require(try object(upload.body)["sha256"] as? String)
        let body = try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": sha, "name": "\(UUID().uuidString).pdf"]], "to": ["000.01.21.H18"], "type": type,
            "subject": subject,
        ])
        let sent = try await server.http("POST", "/v1/documents", body: body, as: "clerk.tinh-dien-bien")
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        let id = try #require(try object(sent.body)["id"] as? String)
        #expect(try await server.http("POST", "/v1/documents/\(id)/ack", as: "clerk.xa-na-son").status == 200)
        return id
    }

    @Test func anEditOfTheSQLiteFileByHandIsFound() async throws {
        try await LiveServer.run { server in
            _ = try await Self.sendAndRegister(server, "QĐ", subject: "Quyết định")

            let holds = try await server.http("GET", "/v1/admin/audit/verify", as: admin)
            let held = try Self.object(holds.body)
            #expect(holds.status == 200 && held["firstBroken"] == nil, "\(held)")
            let list = try await server.http("GET", "/v1/admin/audit?limit=50", as: admin)
            let entries = try #require(try JSONSerialization.jsonObject(with: list.body) as? [[String: Any]])
            let actions = entries.prefix(3).compactMap { $0["action"] as? String }
            #expect(actions == ["delivery.status", "identity.sealed", "document.filed"])
            #expect(entries.first?["actor"] as? String == "clerk.xa-na-son")
            let clerk = try await server.http("GET", "/v1/admin/audit/verify", as: "clerk.tinh-dien-bien")
            let refusal = try Self.object(clerk.body)
            #expect(
                clerk.status == 403 && refusal["type"] as? String == "urn:lienthong:problem:forbidden"
                    && (refusal["detail"] as? String)?.contains("only an administrator") == true, "\(refusal)")

            // Someone with the file makes the acceptance look as if it were by another clerk.
            let statusEntry = try #require(entries.first?["id"] as? Int)
            let edit = try Self.sqlite3(
                server,
                "DROP TRIGGER auditEntry_no_update; "
                    + "UPDATE auditEntry SET actor = 'clerk.xa-phi-nhu' WHERE id = \(statusEntry);")
            #expect(edit.status == 0, "\(edit.output)")
            let broken = try await server.http("GET", "/v1/admin/audit/verify", as: admin)
            let check = try Self.object(broken.body)
            #expect(broken.status == 200 && check["firstBroken"] as? Int == statusEntry, "\(check)")
            #expect((check["problem"] as? String)?.contains("was changed after it was written") == true, "\(check)")
        }
    }

    @Test func aRowEditedWithTheSQLiteShellIsFoundAndNamedByAdminCheck() async throws {
        try await LiveServer.run { server in
            let id = try await Self.sendAndRegister(server, "CT", subject: "Về cải cách")
            let clean = try await server.http("GET", "/v1/admin/check", as: admin)
            let cleanReport = try Self.object(clean.body)
            #expect(
                clean.status == 200 && (cleanReport["rowProblems"] as? [Any])?.isEmpty == true
                    && (cleanReport["problems"] as? [Any])?.isEmpty == true
                    && (cleanReport["audit"] as? [String: Any])?["firstBroken"] == nil, "\(cleanReport)")

            // While the seal triggers stand, the shell cannot change the document at all.
            let refused = try Self.sqlite3(server, "UPDATE document SET subject = 'Về việc khác' WHERE id = '\(id)'")
            #expect(
                refused.status != 0 && refused.output.contains("no such function: lienthong_"), "\(refused.output)")
            // Dropping them first lets the edit through, and the register serves it; admin check names it.
            let edited = try Self.sqlite3(
                server,
                "DROP TRIGGER rowSeal_document_update; "
                    + "UPDATE document SET subject = 'Về việc khác' WHERE id = '\(id)';")
            #expect(edited.status == 0, "\(edited.output)")
            let check = try await server.http("GET", "/v1/admin/check", as: admin)
            let report = try Self.object(check.body)
            let rowProblems = try #require(report["rowProblems"] as? [[String: Any]], "\(report)")
            #expect(check.status == 200 && !rowProblems.isEmpty)
            // Each as `admin check` prints it, its kind in capitals: "EDITED document … was changed outside LienThong".
            let named = rowProblems.map { "\($0["kind"] as? String ?? "") \($0["detail"] as? String ?? "")" }
            #expect(named.contains { $0.hasPrefix("edited document \(id) was changed outside LienThong") }, "\(named)")
            #expect(
                named.contains { $0.hasPrefix("trigger-changed the trigger rowSeal_document_update was dropped") },
                "\(named)")
        }
    }
}
