import Foundation
import LienThongPDF
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

/// The verification services as outsiders use them, over real HTTP: `POST /v1/verify` without an account and the
/// built-in TSA at `POST /tsa` queried by `openssl ts`.
@Suite("Verification and time-stamping services, over HTTP in process")
struct SignatureServiceHTTPTests {
    /// Sends a notice from the Department of Home Affairs to Na Son; returns its id.
    static func send(_ server: LiveServer, content: Data = Data("Thông báo\n".utf8)) async throws -> String {
        let sent = try await server.send(
            content, name: "thong-bao.pdf", type: "TB", subject: "Thông báo lịch họp", as: "clerk.so-noi-vu")
        return try #require(sent["id"] as? String)
    }

    /// The notice as Na Son downloads it: its file and signature.
    static func exported(_ server: LiveServer) async throws -> (content: Data, signature: Data) {
        let content = Data("Thông báo\n".utf8)
        let id = try await send(server, content: content)
        let file = try await server.http("GET", "/v1/documents/\(id)/files/0", as: "clerk.xa-na-son")
        let signature = try await server.http("GET", "/v1/documents/\(id)/files/0/signature", as: "clerk.xa-na-son")
        #expect(file.body == content)
        return (file.body, signature.body)
    }

    static func verify(_ server: LiveServer, _ body: Data) async throws -> LoopbackHTTP.Answer {
        try await server.http("POST", "/v1/verify", body: body, headers: ["Content-Type": "application/json"])
    }

    @Test func anyoneCanVerifyAFileAndItsSignature() async throws {
        try await LiveServer.run { server in
            let (content, signature) = try await Self.exported(server)
            let body = try JSONSerialization.data(withJSONObject: [
                "content": content.base64EncodedString(),
                "signature": signature.base64EncodedString(), "name": "thong-bao.pdf",
            ])
            let answer = try await Self.verify(server, body)
            #expect(answer.status == 200)
            let report = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
            #expect(
                (report["verdict"] as? [String: Any])?["indication"] as? String == "TOTAL_PASSED",
                "\(String(decoding: answer.body, as: UTF8.self))")
            let signatures = try #require(report["signatures"] as? [[String: Any]])
            #expect(signatures.map { $0["role"] as? String } == ["signer", "seal"])
            #expect(signatures.allSatisfy { ($0["timeStampedAt"] as? String)?.hasSuffix("+07:00") == true })
            #expect(
                signatures.allSatisfy { ($0["revocation"] as? [[String: Any]])?.first?["status"] as? String == "good" })

            var tampered = content
            tampered.append(0x20)
            let changed = try JSONSerialization.data(withJSONObject: [
                "content": tampered.base64EncodedString(),
                "signature": signature.base64EncodedString(),
            ])
            let failed = try #require(
                try JSONSerialization.jsonObject(with: try await Self.verify(server, changed).body) as? [String: Any])
            #expect((failed["verdict"] as? [String: Any])?["subIndication"] as? String == "HASH_FAILURE")

            let bad = try await Self.verify(server, Data("{\"content\": 1}".utf8))
            #expect(bad.status == 400 && bad.headers["content-type"] == "application/problem+json")
            #expect(String(decoding: bad.body, as: UTF8.self).contains("content should be a string"))
        }
    }

    @Test func aSignatureThatAsksForUnboundedWorkIsRefusedAsAProblem() async throws {
        try await LiveServer.run { server in
            let (content, signature) = try await Self.exported(server)
            // The seal's SignerInfo repeated 200 times, as an attacker would to make the daemon verify it 200 times:
            // ContentInfo { oid, [0] { SignedData { …, signerInfos SET } } }.
            let outer = try #require(DER.elements(signature)?.first)
            let contentInfo = try #require(DER.elements(outer.content))
            let wrapped = try #require(DER.elements(contentInfo[1].content)?.first)
            var fields = try #require(DER.elements(wrapped.content)).map(\.element)
            let set = try #require(DER.elements(fields.removeLast())?.first)
            let infos = try #require(DER.elements(set.content)).map(\.element)
            let flood = DER.encode(
                tag: 0x31, DER.concatenate(infos + Array(repeating: infos[infos.count - 1], count: 200)))
            let signedData = DER.sequence(DER.concatenate(fields + [flood]))
            let rebuilt = DER.sequence(contentInfo[0].element, DER.encode(tag: 0xA0, signedData))
            let body = try JSONSerialization.data(withJSONObject: [
                "content": content.base64EncodedString(),
                "signature": Data(rebuilt).base64EncodedString(),
            ])
            let answer = try await Self.verify(server, body)
            let text = String(decoding: answer.body, as: UTF8.self)
            #expect(
                answer.status == 422 && answer.headers["content-type"] == "application/problem+json",
                "\(answer.status) \(text)")
            #expect(text.contains("more than 8 SignerInfos"), "\(text)")
        }
    }

    @Test func theBuiltInTSAAnswersOpenSSL() async throws {
        try await LiveServer.run { server in
            let folder = server.workspace.directory
            func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
            try Data("dữ liệu cần đóng dấu thời gian".utf8).write(to: URL(fileURLWithPath: path("data.txt")))
            let query = try run(
                "openssl", ["ts", "-query", "-data", path("data.txt"), "-sha256", "-cert", "-out", path("q.tsq")])
            #expect(query.status == 0, "\(query.output)")
            let reply = try await server.http(
                "POST", "/tsa", body: try Data(contentsOf: URL(fileURLWithPath: path("q.tsq"))),
                headers: ["Content-Type": "application/timestamp-query"])
            #expect(reply.status == 200 && reply.headers["content-type"] == "application/timestamp-reply")
            try reply.body.write(to: URL(fileURLWithPath: path("r.tsr")))
            let certs = server.workspace.configuration.certsURL
            let verified = try run(
                "openssl",
                [
                    "ts", "-verify", "-in", path("r.tsr"), "-queryfile", path("q.tsq"), "-CAfile",
                    certs.appendingPathComponent("trust/demo-root-ca.pem").path,
                    "-untrusted", certs.appendingPathComponent("demo/tsa.pem").path,
                ])
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("Verification: OK"))
        }
    }

    @Test func anExternalTSAIsUsedAndASendFailsWholeWithoutOne() async throws {
        try await LiveServer.run { tsa in
            // A second server that takes its time stamps from the first one's TSA over HTTP.
            let authority = "http://localhost:\(tsa.http.port)/tsa"
            try await LiveServer.run(environment: ["LIENTHONG_TIME_STAMP_AUTHORITY": authority]) { stamped in
                _ = try await Self.send(stamped)
            }
        }
        // The TSA is down: the send fails with a clear error and uses no number.
        // Port 9 (discard) has nothing listening on loopback here.
        try await LiveServer.run(environment: ["LIENTHONG_TIME_STAMP_AUTHORITY": "http://127.0.0.1:9/tsa"]) { server in
            let upload = try await server.http("POST", "/v1/files", body: Data("x".utf8), as: "clerk.tinh-dien-bien")
            let sha = try #require((try JSONSerialization.jsonObject(with: upload.body) as? [String: Any])?["sha256"])
            let body = try JSONSerialization.data(withJSONObject: [
                "files": [["sha256": sha, "name": "bc.pdf"]], "to": ["000.01.21.H18"], "type": "BC",
                "subject": "Báo cáo",
            ])
            let refused = try await server.http("POST", "/v1/documents", body: body, as: "clerk.tinh-dien-bien")
            let text = String(decoding: refused.body, as: UTF8.self)
            #expect(refused.status == 503, "\(refused.status) \(text)")
            #expect(text.contains("time-stamp-unavailable") && text.contains("nothing was sent"), "\(text)")
            let inbox = try await server.http("GET", "/v1/inbox", as: "clerk.xa-na-son")
            #expect((try JSONSerialization.jsonObject(with: inbox.body) as? [String: Any])?["total"] as? Int == 0)
            #expect(try await server.outgoingCount(as: "clerk.tinh-dien-bien") == 0)
        }
    }

    @Test func aSignedPDFAloneIsVerifiedWithEverySignatureAndWhatChangedAfterIt() async throws {
        try await LiveServer.run { server in
            // The province's chairman signs (revision 1), its seal follows (revision 2), as PAdES.
            let signer = PDFSigner()
            func details(_ field: String) -> PDFSigner.Details { PDFSigner.Details(field: field, time: Date()) }
            let approved = try await signer.sign(
                SamplePDF.minimal(), as: try server.workspace.identity("users/signer.tinh-dien-bien"),
                details: details("ChuKyLanhDao"))
            let sealed = try await signer.sign(
                approved, as: try server.workspace.identity("agencies/000.00.00.H18"), details: details("ConDau"))
            func verify(_ pdf: Data, expect: String = "document") async throws -> LoopbackHTTP.Answer {
                try await Self.verify(
                    server,
                    try JSONSerialization.data(withJSONObject: [
                        "content": pdf.base64EncodedString(), "name": "chi-thi.pdf", "expect": expect,
                    ]))
            }
            let answer = try await verify(sealed)
            let report = try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
            #expect(
                answer.status == 200
                    && (report["verdict"] as? [String: Any])?["indication"] as? String == "TOTAL_PASSED",
                "\(String(decoding: answer.body, as: UTF8.self).prefix(3000))")
            let files = try #require(report["files"] as? [[String: Any]])
            #expect(files.map { $0["name"] as? String } == ["signature ChuKyLanhDao", "signature ConDau"])
            #expect(
                files.map { ($0["signatures"] as? [[String: Any]])?.first?["role"] as? String } == ["signer", "seal"])
            // Without its seal, it is not a document; with a byte changed, the digest says so.
            let unsealed = try JSONSerialization.jsonObject(with: try await verify(approved).body) as? [String: Any]
            #expect((unsealed?["verdict"] as? [String: Any])?["subIndication"] as? String == "SIG_CONSTRAINTS_FAILURE")
            var changed = sealed
            changed[try #require(changed.firstRange(of: Data("Cong van".utf8))).lowerBound] = UInt8(ascii: "K")
            let tampered = try JSONSerialization.jsonObject(with: try await verify(changed).body) as? [String: Any]
            #expect((tampered?["verdict"] as? [String: Any])?["subIndication"] as? String == "HASH_FAILURE")
            // A file that is not a PDF needs its signature.
            let alone = try await Self.verify(
                server,
                try JSONSerialization.data(withJSONObject: ["content": Data("văn bản".utf8).base64EncodedString()]))
            #expect(alone.status == 400 && String(decoding: alone.body, as: UTF8.self).contains("signature is missing"))
        }
    }

    /// A PDF sent as it is (`Content-Type: application/pdf`, as large as an upload may be), not base64 in JSON.
    @Test func aSignedPDFSentAsItIsIsVerifiedAndWhatIsNotAPDFIsRefused() async throws {
        try await LiveServer.run { server in
            let signer = PDFSigner()
            let approved = try await signer.sign(
                SamplePDF.minimal(), as: try server.workspace.identity("users/signer.tinh-dien-bien"),
                details: PDFSigner.Details(field: "ChuKyLanhDao", time: Date()))
            let sealed = try await signer.sign(
                approved, as: try server.workspace.identity("agencies/000.00.00.H18"),
                details: PDFSigner.Details(field: "ConDau", time: Date()))
            func verify(_ body: Data, query: String = "") async throws -> (Int, [String: Any]) {
                let answer = try await server.http(
                    "POST", "/v1/verify" + query, body: body, headers: ["Content-Type": "application/pdf"])
                return (answer.status, try JSONSerialization.jsonObject(with: answer.body) as? [String: Any] ?? [:])
            }
            let (status, report) = try await verify(sealed, query: "?name=chi-thi.pdf")
            #expect(status == 200 && (report["verdict"] as? [String: Any])?["indication"] as? String == "TOTAL_PASSED")
            #expect((report["files"] as? [[String: Any]])?.count == 2)
            // The person's signature alone is not a document, but an `expect=any` asks for nothing more.
            let (_, alone) = try await verify(approved)
            #expect((alone["verdict"] as? [String: Any])?["subIndication"] as? String == "SIG_CONSTRAINTS_FAILURE")
            let (_, any) = try await verify(approved, query: "?expect=any")
            #expect((any["verdict"] as? [String: Any])?["indication"] as? String == "TOTAL_PASSED")
            let (wrong, problem) = try await verify(sealed, query: "?expect=everything")
            #expect(wrong == 400 && (problem["detail"] as? String)?.contains("expect must be") == true)
            let (notPDF, refusal) = try await verify(Data("văn bản".utf8))
            #expect(notPDF == 400 && (refusal["detail"] as? String)?.contains("not a PDF") == true, "\(refusal)")
        }
    }
}
