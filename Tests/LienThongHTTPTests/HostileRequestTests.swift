import Foundation
import LienThongTestSupport
import Testing

/// Garbage on every route, over real HTTP: mutated JSON thrown at the server for a bounded time, and a table of the
/// hostile inputs a clerk's software or an attacker sends. Each gets a clear problem+json answer, never a 500, and
/// leaves nothing behind.
@Suite("Hostile requests, over HTTP in process")
struct HostileRequestTests {
    let clerk = "clerk.tinh-dien-bien"

    private func documentsFiled(_ server: LiveServer) async throws -> Int {
        try await server.outgoingCount(as: clerk)
    }

    private func uploaded(_ server: LiveServer, _ text: String, as user: String? = nil) async throws -> String {
        let answer = try await server.http("POST", "/v1/files", body: Data(text.utf8), as: user ?? clerk)
        return try #require(
            (try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["sha256"] as? String)
    }

    @Test func controlCharactersAreRefusedAndNoCSVCellIsAFormula() async throws {
        try await LiveServer.run { server in
            let sha = try await uploaded(server, "Thông báo\n")
            let before = try await documentsFiled(server)
            let nul =
                #"{"files": [{"sha256": "\#(sha)", "name": "tb.pdf"}], "to": ["000.01.21.H18"], "type": "TB", "subject": "Thông báo\u0000 phần bị giấu"}"#
            let answer = try await server.http("POST", "/v1/documents", body: Data(nul.utf8), as: clerk)
            let text = String(decoding: answer.body, as: UTF8.self)
            #expect(
                answer.status == 422 && text.contains("U+0000")
                    && answer.headers["content-type"] == "application/problem+json", "\(text)")
            #expect(try await documentsFiled(server) == before, "nothing filed, no number used")

        }
    }

    @Test(.timeLimit(.minutes(4)))
    func mutatedJSONOnEveryPOSTRouteGetsAProblemNeverA500() async throws {
        try await LiveServer.run { server in
            let sha = try await uploaded(server, "Thông báo\n")
            let valid =
                #"{"files": [{"sha256": "\#(sha)", "name": "tb.pdf"}], "to": ["000.01.21.H18"], "type": "TB", "subject": "Thông báo họp", "deadline": "5wd"}"#
            let id = try #require(
                (try JSONSerialization.jsonObject(
                    with: try await server.http("POST", "/v1/documents", body: Data(valid.utf8), as: clerk).body)
                    as? [String: Any])?["id"] as? String)
            let routes: [(String, String, String)] = [
                ("/v1/documents", valid, clerk),
                (
                    "/v1/documents/\(id)/status", #"{"status": "assigned", "to": "Văn phòng", "note": "Gấp"}"#,
                    "clerk.xa-na-son"
                ),
                ("/v1/documents/\(id)/reject", #"{"reason": "Không đúng thẩm quyền"}"#, "clerk.xa-na-son"),
                ("/v1/documents/\(id)/recall", #"{"reason": "Sai sót"}"#, clerk),
                (
                    "/v1/paper",
                    #"{"direction": "in", "type": "CV", "subject": "x", "sender": "Bộ", "numberAndSymbol": "1/B", "issuedOn": "2026-01-02"}"#,
                    clerk
                ),
                ("/v1/verify", #"{"content": "JVBERi0=", "signature": "MAA="}"#, clerk),
                ("/v1/agencies/000.01.21.H18/retire", #"{"successor": "000.02.21.H18"}"#, "viewer.tinh-dien-bien"),
                (
                    "/v1/admin/users",
                    #"{"username": "u.x", "fullName": "X", "agency": "000.01.21.H18", "role": "viewer"}"#,
                    "statistician.tinh-dien-bien"
                ),
            ]
            var random = SystemRandomNumberGenerator()
            var created = 0
            var answers = 0
            let start = Date()
            // 80 requests, or as many as 60 s allow on a machine loaded by the other suites.
            while answers < 80, Date().timeIntervalSince(start) < 60 {
                let (path, body, user) = routes.randomElement(using: &random)!
                var bytes = Array(body.utf8)
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let at = Int.random(in: 0..<bytes.count, using: &random)
                    switch Int.random(in: 0..<6, using: &random) {
                    case 0: bytes[at] = Array(#"{}[]",:0-9aé\"#.utf8).randomElement(using: &random)!
                    case 1: bytes.remove(at: at)
                    case 2: bytes = Array(bytes.prefix(at))
                    case 3:
                        // A key twice: the body's first key again, first.
                        let text = String(decoding: bytes, as: UTF8.self)
                        if let key = text.firstMatch(of: /"(\w+)"\s*:/)?.1 {
                            bytes = Array(
                                text.replacingOccurrences(
                                    of: "{", with: "{\"\(key)\": null, ", options: [],
                                    range: text.range(of: "{")
                                ).utf8)
                        }
                    case 4:
                        // A file name no recipient can use.
                        let name = [
                            "../x.pdf", "manifest.json", ".bashrc", "a\\u0000.pdf", "hoa-don\\u202efdp.exe",
                            "tb.pdf.p7s", String(repeating: "ế", count: 90),
                        ].randomElement(using: &random)!
                        let text = String(decoding: bytes, as: UTF8.self)
                        bytes = Array(text.replacingOccurrences(of: "tb.pdf", with: name).utf8)
                    default:
                        bytes.insert(
                            contentsOf: Array(
                                [#"null"#, #"1e999"#, #"{"#, #""\u0000""#, "\u{1}", "ế", "[[[[[["].randomElement(
                                    using: &random)!.utf8), at: at)
                    }
                    if bytes.isEmpty { bytes = [0x7B] }
                }
                let answer = try await server.http("POST", path, body: Data(bytes), as: user)
                answers += 1
                #expect(
                    answer.status < 500,
                    "\(path) ← \(String(decoding: bytes, as: UTF8.self)): \(answer.status) \(String(decoding: answer.body, as: UTF8.self).prefix(200))"
                )
                if answer.status >= 400 {
                    #expect(
                        answer.headers["content-type"]?.hasPrefix("application/problem+json") == true,
                        "\(path): \(answer.headers)")
                }
                if path == "/v1/documents", answer.status == 201 { created += 1 }
            }
            #expect(answers >= 5, "the run is bounded by time; on a loaded machine it answers fewer")
            #expect(try await documentsFiled(server) == 1 + created)
            #expect(try await server.http("GET", "/healthz").status == 200)

        }
    }

    @Test func eachHostileInputGetsItsClearErrorAndLeavesNothingBehind() async throws {
        try await LiveServer.run { server in
            let sha = try await uploaded(server, "Kế hoạch\n")
            func send(_ fields: [String: Any]) -> String {
                var body: [String: Any] = [
                    "files": [["sha256": sha, "name": "kh.pdf"]], "to": ["000.01.21.H18"], "type": "KH",
                    "subject": "Kế hoạch",
                ]
                for (key, value) in fields { body[key] = value }
                return String(decoding: try! JSONSerialization.data(withJSONObject: body), as: UTF8.self)
            }
            let nfd = "Ke\u{0302}\u{0301} hoa\u{0323}ch"  // "Kế hoạch" decomposed
            let cases: [(String, String, Int, String)] = [
                ("malformed JSON", #"{"files": [}"#, 400, "not valid JSON"),
                ("truncated JSON", String(send([:]).dropLast(7)), 400, "not valid JSON"),
                ("a wrong field type", send(["to": "000.01.21.H18"]), 400, "to should be a list"),
                (
                    "a missing field", #"{"to": ["000.01.21.H18"], "type": "KH", "subject": "x"}"#, 400,
                    "files is missing"
                ),
                ("an unknown agency", send(["to": ["999.99.99.H99"]]), 422, "no agency has the code 999.99.99.H99"),
                ("a malformed agency code", send(["to": ["H18"]]), 422, "H18"),
                (
                    "a subject over Decree 30's length", send(["subject": String(repeating: "ế", count: 501)]), 422,
                    "allows at most 500"
                ),
                ("a secret document", send(["secrecy": "Tối mật"]), 422, "secret documents"),
                (
                    "a file never uploaded",
                    send(["files": [["sha256": String(repeating: "0", count: 64), "name": "x.pdf"]]]), 422,
                    "upload it with POST /v1/files"
                ),
                ("a name with ../", send(["files": [["sha256": sha, "name": "../../etc/passwd"]]]), 422, "no paths"),
                ("a name with NUL", send(["files": [["sha256": sha, "name": "a\u{0}b.pdf"]]]), 422, "<U+0000>"),
                (
                    "a name with a control character", send(["files": [["sha256": sha, "name": "a\u{7}.pdf"]]]), 422,
                    "no control characters"
                ),
                (
                    "a name that is an export's own file", send(["files": [["sha256": sha, "name": "manifest.json"]]]),
                    422,
                    "export's own files"
                ),
                ("a hidden name", send(["files": [["sha256": sha, "name": ".bashrc"]]]), 422, "starts with a dot"),
                (
                    "a name that takes a signature's place",
                    send(["files": [["sha256": sha, "name": "kh.pdf"], ["sha256": sha, "name": "kh.pdf.p7s"]]]),
                    422, "another file's signature"
                ),
                (
                    "a right-to-left override", send(["files": [["sha256": sha, "name": "hoa-don\u{202E}fdp.exe"]]]),
                    422,
                    "<U+202E>"
                ),
                (
                    "a name too long for its signature",
                    send(["files": [["sha256": sha, "name": String(repeating: "ế", count: 67) + ".pdf"]]]),
                    422, "at most 200 bytes"
                ),
                (
                    "two names equal once NFC",
                    send(["files": [["sha256": sha, "name": "\(nfd).pdf"], ["sha256": sha, "name": "Kế hoạch.pdf"]]]),
                    400,
                    "file names must differ"
                ),
                (
                    "a fraction where a whole number goes", send(["pageCount": 2.5]), 400,
                    "pageCount is 2.5, where a whole number is expected"
                ),
                (
                    "a number beyond 64 bits",
                    send([:]).replacingOccurrences(of: #""type""#, with: #""pageCount":1e20,"type""#),
                    400, "pageCount is 1e20"
                ),
                (
                    "a key twice", send([:]).replacingOccurrences(of: #""type""#, with: #""subject":"Khác","type""#),
                    400,
                    "subject appears twice"
                ),
                ("an empty body", "", 400, "the body is empty"),
                ("not JSON at all", "\u{FF}\u{FE}garbage", 400, "not valid JSON"),
            ]
            for (what, body, status, message) in cases {
                let answer = try await server.http("POST", "/v1/documents", body: Data(body.utf8), as: clerk)
                let text = String(decoding: answer.body, as: UTF8.self)
                #expect(answer.status == status && text.contains(message), "\(what): \(answer.status) \(text)")
                #expect(answer.headers["content-type"]?.hasPrefix("application/problem+json") == true, "\(what)")
            }
            // A header block over the parser's limit is answered in problem+json too.
            let padding = String(repeating: "a", count: 1 << 20)
            let huge = try server.raw(Array("GET /v1/inbox HTTP/1.1\r\nHost: x\r\nX-Padding: \(padding)\r\n\r\n".utf8))
            #expect(
                huge.hasPrefix("HTTP/1.1 431") && huge.lowercased().contains("content-type: application/problem+json")
                    && huge.contains("headers-too-large"), "\(huge.prefix(400))")
            let garbage = try server.raw(Array("GET / HTTP/1.1\r\nHost x\r\n\r\n".utf8))
            #expect(garbage.hasPrefix("HTTP/1.1 400") && garbage.contains("malformed-http"), "\(garbage.prefix(400))")
            let empty = try await server.http("POST", "/v1/files", body: Data(), as: clerk)
            #expect(empty.status == 400 && String(decoding: empty.body, as: UTF8.self).contains("the file is empty"))
            let notCMS = try await server.http(
                "POST", "/v1/verify", body: Data(#"{"content": "JVBERi0=", "signature": "bm90IGNtcw=="}"#.utf8))
            #expect(String(decoding: notCMS.body, as: UTF8.self).contains("not CMS SignedData"))
            for (method, path) in [
                ("GET", "/v1/nowhere"), ("DELETE", "/v1/documents"), ("GET", "/v1/documents/not-a-uuid"),
                ("PUT", "/v1/files"),
            ] {
                let answer = try await server.http(method, path, as: clerk)
                #expect(
                    (400..<500).contains(answer.status)
                        && answer.headers["content-type"]?.hasPrefix("application/problem+json") == true,
                    "\(method) \(path): \(answer.status)")
            }
            // Nothing was filed, and the store holds only the file uploaded for the test.
            #expect(try await documentsFiled(server) == 0)
            let stored = try FileManager.default.subpathsOfDirectory(
                atPath: server.workspace.configuration.dataURL.appendingPathComponent("blobs").path
            ).filter {
                !$0.hasPrefix("staging") && $0.count > 3
            }
            #expect(stored.count == 1, "\(stored)")
        }
    }

    @Test func administratorsCannotLockEveryoneOut() async throws {
        try await LiveServer.run { server in
            let admin = "admin.tinh-dien-bien"
            func problem(_ answer: LoopbackHTTP.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }
            let selfRevoke = try await server.http("POST", "/v1/admin/users/\(admin)/revoke", as: admin)
            #expect(
                selfRevoke.status == 409 && problem(selfRevoke).contains("would-lock-out"), "\(problem(selfRevoke))")
            #expect(try await server.http("GET", "/v1/me", as: admin).status == 200, "the administrator keeps access")
            let ownAgency = try await server.http(
                "POST", "/v1/agencies/000.00.00.H18/retire", body: Data("{}".utf8), as: admin)
            #expect(ownAgency.status == 409 && problem(ownAgency).contains("would-lock-out"), "\(problem(ownAgency))")
            let itself = try await server.http(
                "POST", "/v1/agencies/000.02.21.H18/retire", body: Data(#"{"successor": "000.02.21.H18"}"#.utf8),
                as: admin)
            #expect(itself.status >= 400 && problem(itself).contains("cannot succeed itself"), "\(problem(itself))")
            // A retired agency sends nothing: its successor sends in its name.
            let retired = try await server.http(
                "POST", "/v1/agencies/000.02.21.H18/retire", body: Data(#"{"successor": "000.01.21.H18"}"#.utf8),
                as: admin)
            #expect(retired.status == 200, "\(problem(retired))")
            let sha = try await uploaded(server, "sau sáp nhập\n", as: "clerk.xa-phi-nhu")
            let body =
                #"{"files": [{"sha256": "\#(sha)", "name": "sau-sap-nhap.pdf"}], "to": ["000.00.00.H18"], "#
                + #""type": "TB", "subject": "Vẫn gửi"}"#
            let sent = try await server.http("POST", "/v1/documents", body: Data(body.utf8), as: "clerk.xa-phi-nhu")
            #expect(sent.status == 409 && problem(sent).contains("agency-retired"), "\(problem(sent))")
        }
    }
}
