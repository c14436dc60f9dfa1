import Foundation
import Testing

/// Nobody where they don't belong: every endpoint, called by every role of a foreign agency and
/// with no token at all, answers as if the province's document did not exist.
@Suite("End to end: isolation between agencies and roles", .serialized, .sharedDaemon())
final class IsolationTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try #require(SharedDaemon.current) }

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The province sends a directive to Na Son, which registers it and starts on it.
    private func sendSecretlessDirective() async throws -> (id: String, markers: [String]) {
        let content = "Chỉ thị riêng của tỉnh gửi xã Na Son \(UUID().uuidString)\n"
        let upload = try await daemon.http("POST", "/v1/files", body: Data(content.utf8), as: "clerk.tinh-dien-bien")
        let sha = try #require(try object(upload.body)["sha256"] as? String)
        let body = try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": sha, "name": "chi-thi.pdf"]], "to": ["000.01.21.H18"], "type": "CT",
            "subject": "Về công tác bảo vệ rừng mùa khô", "deadline": "5wd",
        ])
        let sent = try object(
            try await daemon.http("POST", "/v1/documents", body: body, as: "clerk.tinh-dien-bien").body)
        let id = try #require(sent["id"] as? String)
        #expect(try await daemon.http("POST", "/v1/documents/\(id)/ack", as: "clerk.xa-na-son").status == 200)
        let signature = try #require((sent["files"] as? [[String: Any]])?.first?["signatureSHA256"] as? String)
        let number = try #require(sent["numberAndSymbol"] as? String)
        return (id, [id, sha, signature, "bảo vệ rừng", number, "Chỉ thị riêng"])
    }

    @Test func noForeignRoleAndNoAnonymousCallerLearnsAnythingOfADocument() async throws {
        let (id, documentMarkers) = try await sendSecretlessDirective()
        var markers = documentMarkers
        // The province's signer approves the file for a second signature: its id is the approval's marker.
        let granted = try await daemon.http(
            "POST", "/v1/approvals", body: Data(#"{"sha256": "\#(markers[1])"}"#.utf8), as: "signer.tinh-dien-bien")
        let approval = try #require(try object(granted.body)["id"] as? String)
        markers.append(approval)
        // Phì Nhừ has a clerk and a signer; the province's administrator gives it the other roles.
        var tokens: [String: String] = [:]
        for role in ["viewer", "statistician", "admin"] {
            let request = try JSONSerialization.data(withJSONObject: [
                "username": "\(role).xa-phi-nhu", "fullName": "Người \(role)", "agency": "000.02.21.H18", "role": role,
                "days": 1,
            ])
            let issued = try await daemon.http("POST", "/v1/admin/users", body: request, as: "admin.tinh-dien-bien")
            #expect(issued.status == 201, "\(String(decoding: issued.body, as: UTF8.self))")
            tokens[role] = try #require(try object(issued.body)["token"] as? String)
        }
        for user in ["clerk.xa-phi-nhu", "signer.xa-phi-nhu"] {
            tokens[user] = try String(contentsOfFile: daemon.token(user), encoding: .utf8)
        }
        // {id} and {sha} stand for the document and its file; each such call is compared with the
        // same call about a document that never existed: the answers must be the same.
        let routes: [(String, String, String?)] = [
            ("GET", "/v1/documents/{id}", nil), ("GET", "/v1/documents/{id}/track", nil),
            ("GET", "/v1/documents/{id}/files/0", nil), ("GET", "/v1/documents/{id}/files/0/signature", nil),
            ("POST", "/v1/documents/{id}/ack", nil), ("POST", "/v1/documents/{id}/reject", #"{"reason": "x"}"#),
            ("POST", "/v1/documents/{id}/status", #"{"status": "completed"}"#),
            ("POST", "/v1/documents/{id}/recall", #"{"reason": "x"}"#),
            ("GET", "/v1/inbox", nil), ("GET", "/v1/registers/out", nil), ("GET", "/v1/registers/in", nil),
            ("GET", "/v1/registers/in?agency=000.01.21.H18", nil),
            ("GET", "/v1/registers/out?agency=000.00.00.H18", nil),
            ("GET", "/v1/overdue", nil), ("GET", "/v1/overdue?direction=out", nil),
            ("GET", "/v1/stats", nil), ("GET", "/v1/stats?agency=000.00.00.H18&subtree=true", nil),
            ("GET", "/v1/stats?agency=000.01.21.H18", nil),
            ("GET", "/v1/admin/audit", nil), ("GET", "/v1/admin/audit/verify", nil), ("GET", "/v1/admin/users", nil),
            ("POST", "/v1/admin/users/clerk.xa-na-son/revoke", nil),
            ("POST", "/v1/admin/users/clerk.xa-na-son/tokens", nil),
            (
                "POST", "/v1/documents",
                #"{"files": [{"sha256": "{sha}", "name": "lay.pdf"}], "to": ["000.03.21.H18"], "type": "CT", "subject": "x"}"#
            ),
            (
                "POST", "/v1/documents",
                #"{"files": [], "to": ["000.00.00.H18"], "type": "BC", "subject": "x", "inReplyTo": "{id}"}"#
            ),
            (
                "POST", "/v1/documents",
                #"{"files": [], "to": ["000.00.00.H18"], "type": "BC", "subject": "x", "replaces": "{id}"}"#
            ),
            ("GET", "/v1/me", nil),
            ("GET", "/v1/approvals", nil), ("POST", "/v1/approvals/{approval}/withdraw", nil),
            (
                "POST", "/v1/documents",
                #"{"files": [{"sha256": "{sha}", "name": "lay.pdf"}], "to": ["000.03.21.H18"], "type": "CT", "subject": "x", "approval": "{approval}"}"#
            ),
        ]
        let never = (
            id: UUID().uuidString.lowercased(), sha: String(repeating: "ab", count: 32),
            approval: UUID().uuidString.lowercased()
        )
        for (role, token) in tokens.sorted(by: { $0.key < $1.key }).map({ ($0.key, Optional($0.value)) }) + [
            ("no token", nil)
        ] {
            for (method, template, body) in routes {
                func call(_ id: String, _ sha: String, _ approval: String) async throws -> (Int, String) {
                    let fill = { (text: String) in
                        text.replacingOccurrences(of: "{id}", with: id).replacingOccurrences(of: "{sha}", with: sha)
                            .replacingOccurrences(of: "{approval}", with: approval)
                    }
                    let answer = try await daemon.http(
                        method, fill(template), body: body.map { Data(fill($0).utf8) }, token: token)
                    let text = String(decoding: answer.body, as: UTF8.self)
                    return (
                        answer.status,
                        text.replacingOccurrences(of: id, with: "{id}").replacingOccurrences(of: sha, with: "{sha}")
                            .replacingOccurrences(of: approval, with: "{approval}")
                    )
                }
                let (status, text) = try await call(id, markers[1], approval)
                let place = "\(role) \(method) \(template) → \(status)"
                for marker in markers {
                    #expect(!text.contains(marker), "\(place) leaks \(marker): \(text.prefix(300))")
                }
                if ["{id}", "{sha}", "{approval}"].contains(where: {
                    template.contains($0) || (body ?? "").contains($0)
                }) {
                    let (neverStatus, neverText) = try await call(never.id, never.sha, never.approval)
                    #expect(
                        status == neverStatus && text == neverText,
                        "\(place): \(text.prefix(200)) differs from a document that never existed: \(neverText.prefix(200))"
                    )
                }
                if token == nil { #expect(status == 401, "no token: \(place)") }
                // What a foreign caller may be told of its own agency holds no trace of the document either.
                if template.hasPrefix("/v1/stats"), status == 200,
                    let total = try object(Data(text.utf8))["total"] as? [String: Any],
                    let figures = total["figures"] as? [String: Int]
                {
                    #expect(figures.values.allSatisfy { $0 == 0 }, "\(place): \(figures)")
                }
            }
        }
        // The document is untouched: Na Son's delivery is still registered, not recalled, rejected or completed.
        let track = try object(
            try await daemon.http("GET", "/v1/documents/\(id)/track", as: "clerk.tinh-dien-bien").body)
        #expect((track["recipients"] as? [[String: Any]])?.map { $0["status"] as? String } == ["03"])
        #expect(try await daemon.http("GET", "/v1/me", as: "clerk.xa-na-son").status == 200)
        // And the approval is still open for the province.
        #expect(
            String(
                decoding: try await daemon.http("GET", "/v1/approvals", as: "clerk.tinh-dien-bien").body, as: UTF8.self
            ).contains(approval))
    }

    @Test func aRevokedTokenAndAnExpiredOneOpenNothing() async throws {
        let request = try JSONSerialization.data(withJSONObject: [
            "username": "viewer.xa-na-son", "fullName": "Lò Thị Xem", "agency": "000.01.21.H18", "role": "viewer",
        ])
        let issued = try object(
            try await daemon.http("POST", "/v1/admin/users", body: request, as: "admin.tinh-dien-bien").body)
        let token = try #require(issued["token"] as? String)
        #expect(try await daemon.http("GET", "/v1/me", token: token).status == 200)
        let again = try await daemon.http("POST", "/v1/admin/users", body: request, as: "admin.tinh-dien-bien")
        #expect(again.status == 409)
        let second = try object(
            try await daemon.http("POST", "/v1/admin/users/viewer.xa-na-son/tokens?days=7", as: "admin.tinh-dien-bien")
                .body)
        let other = try #require(second["token"] as? String)
        #expect(try await daemon.http("GET", "/v1/me", token: other).status == 200)
        let revoked = try object(
            try await daemon.http("POST", "/v1/admin/users/viewer.xa-na-son/revoke", as: "admin.tinh-dien-bien").body)
        #expect(revoked["revoked"] as? Int == 2)
        #expect(try await daemon.http("GET", "/v1/me", token: token).status == 401)
        #expect(try await daemon.http("GET", "/v1/me", token: other).status == 401)
        let list = try daemon.cli(["admin", "user", "list"], as: "admin.tinh-dien-bien")
        #expect(list.stdout.contains("viewer.xa-na-son") && list.stdout.contains("2 revoked"), "\(list.stdout)")
        // Through the CLI: add, print once, log in with it.
        let added = try daemon.cli(
            [
                "admin", "user", "add", "statistician.huyen", "--name", "Phòng Thống kê", "--agency", "000.00.21.H18",
                "--role", "statistician", "--days", "30", "--json",
            ], as: "admin.tinh-dien-bien")
        let cliToken = try #require((try json(added.stdout) as? [String: Any])?["token"] as? String)
        let tokenFile = try daemon.write("thong-ke.token", cliToken)
        let login = try daemon.cli(["login", "--server", "http://127.0.0.1:\(daemon.port)", "--token-file", tokenFile])
        #expect(login.status == 0 && login.stdout.contains("Logged in as statistician.huyen"), "\(login.stderr)")
        #expect(try daemon.cli(["whoami"]).stdout.contains("statistician.huyen"))
        // The token file's path is kept, not the token (issue 14), and $HOME counts without XDG_CONFIG_HOME.
        let kept = try String(
            contentsOf: daemon.workspace.appendingPathComponent("lienthong/config.json"), encoding: .utf8)
        #expect(kept.contains("thong-ke.token") && !kept.contains(cliToken), "\(kept)")
        let home = daemon.workspace.appendingPathComponent("home")
        let atHome = try run(
            Binaries.url("lienthong"),
            ["login", "--server", "http://127.0.0.1:\(daemon.port)", "--token-file", tokenFile],
            in: daemon.workspace, environment: ["HOME": home.path, "XDG_CONFIG_HOME": ""])
        #expect(atHome.status == 0, "\(atHome.stderr)")
        #expect(
            FileManager.default.fileExists(atPath: home.appendingPathComponent(".config/lienthong/config.json").path))
        let bad = try daemon.cli(
            ["admin", "user", "add", "Bad Name", "--name", "x", "--agency", "000.00.21.H18", "--role", "clerk"],
            as: "admin.tinh-dien-bien")
        #expect(bad.status != 0 && bad.stderr.contains("3 to 64 lowercase letters"))
    }
}
