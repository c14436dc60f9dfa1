import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LienThongCrypto
import LienThongTestSupport
import Logging
import Testing

@testable import LienThongHTTP

/// Every route of the API in process, its happy path and an unhappy one: each handler decodes, calls its
/// service and encodes, and every refusal reaches the client as problem+json with its status.
@Suite("Every route, in process: happy and unhappy paths")
struct RouteCoverageTests {
    /// One daemon's router, called as the demo's users.
    struct Session {
        let client: any TestClientProtocol
        let workspace: DemoWorkspace

        func call(
            _ method: HTTPRequest.Method, _ uri: String, as user: String? = nil, json: String? = nil,
            body: String? = nil, headers extra: HTTPFields = [:]
        ) async throws -> TestResponse {
            var headers = extra
            if let user { headers[.authorization] = "Bearer \(try workspace.token(user))" }
            if json != nil { headers[.contentType] = "application/json" }
            return try await client.execute(
                uri: uri, method: method, headers: headers, body: (json ?? body).map { ByteBuffer(string: $0) })
        }

        /// Expects `status`, and for a refusal problem+json naming `type` and saying `detail`; returns the body as
        /// JSON when it is.
        @discardableResult
        func expect(
            _ response: TestResponse, _ status: HTTPResponse.Status, _ type: String? = nil, detail: String? = nil,
            sourceLocation: SourceLocation = #_sourceLocation
        ) -> Any? {
            let text = String(buffer: response.body)
            #expect(response.status == status, "\(text)", sourceLocation: sourceLocation)
            if let type {
                #expect(response.headers[.contentType] == "application/problem+json", sourceLocation: sourceLocation)
                #expect(text.contains("urn:lienthong:problem:\(type)"), "\(text)", sourceLocation: sourceLocation)
            }
            if let detail { #expect(text.contains(detail), "\(text)", sourceLocation: sourceLocation) }
            return try? JSONSerialization.jsonObject(with: Data(buffer: response.body))
        }

        /// Uploads and sends a directive from the province to Na Son; returns its id.
        func send(subject: String = "Về cải cách hành chính") async throws -> String {
            let sent = try await call(
                .post, "/v1/documents", as: "clerk.tinh-dien-bien", json: sendBody(subject: subject))
            return try #require((expect(sent, .created) as? [String: Any])?["id"] as? String)
        }

        /// Uploads the document's file and returns the body of its send.
        func sendBody(subject: String = "Về cải cách hành chính") async throws -> String {
            let upload = try await call(.post, "/v1/files", as: "clerk.tinh-dien-bien", body: "\(subject)")
            let sha = try #require((expect(upload, .created) as? [String: Any])?["sha256"] as? String)
            return #"{"files": [{"sha256": "\#(sha)", "name": "ct.pdf"}], "to": ["000.01.21.H18"], "#
                + #""type": "CT", "subject": "\#(subject)"}"#
        }
    }

    func session(_ body: @Sendable (Session) async throws -> Void) async throws {
        let workspace = try await DemoWorkspace()
        let daemon = Daemon(configuration: workspace.configuration, file: workspace.configurationFile.path)
        let application = try await daemon.makeApplication(logger: Logger(label: "route-tests"))
        try await application.test(.router) { client in try await body(Session(client: client, workspace: workspace)) }
    }

    @Test func openRoutes() async throws {
        try await session { s in
            s.expect(try await s.call(.get, "/healthz"), .ok)
            s.expect(try await s.call(.get, "/readyz"), .ok)
            let metrics = try await s.call(.get, "/metrics")
            #expect(metrics.status == .ok && String(buffer: metrics.body).contains("lienthong_time_stamps_pending"))
            // The built-in TSA answers a malformed query with an RFC 3161 refusal, not an HTTP error.
            let tsa = try await s.call(.post, "/tsa", body: "not a query")
            #expect(tsa.status == .ok && tsa.headers[.contentType] == "application/timestamp-reply")
            s.expect(try await s.call(.get, "/tsa"), .notFound, "not-found")
            s.expect(try await s.call(.get, "/no/such/route"), .notFound, "not-found")

            let id = try await s.send()
            let file = try await s.call(.get, "/v1/documents/\(id)/files/0", as: "clerk.xa-na-son")
            let signature = try await s.call(.get, "/v1/documents/\(id)/files/0/signature", as: "clerk.xa-na-son")
            let verify =
                #"{"content": "\#(Data(buffer: file.body).base64EncodedString())", "#
                + #""signature": "\#(Data(buffer: signature.body).base64EncodedString())", "name": "ct.pdf"}"#
            let report = s.expect(try await s.call(.post, "/v1/verify", json: verify), .ok) as? [String: Any]
            #expect((report?["verdict"] as? [String: Any])?["indication"] as? String == "TOTAL_PASSED")
            s.expect(
                try await s.call(.post, "/v1/verify", json: #"{"content": "%%%", "signature": ""}"#), .badRequest,
                "invalid-request")
        }
    }

    @Test func directoryRoutes() async throws {
        try await session { s in
            let me = s.expect(try await s.call(.get, "/v1/me", as: "clerk.xa-na-son"), .ok) as? [String: Any]
            #expect(me?["username"] as? String == "clerk.xa-na-son")
            s.expect(try await s.call(.get, "/v1/me"), .unauthorized, "unauthenticated")
            let agencies = s.expect(try await s.call(.get, "/v1/agencies", as: "clerk.xa-na-son"), .ok) as? [Any]
            #expect(agencies?.count == 7)
            s.expect(try await s.call(.get, "/v1/agencies/000.01.21.H18", as: "clerk.xa-na-son"), .ok)
            s.expect(
                try await s.call(.get, "/v1/agencies/999.99.99.H99", as: "clerk.xa-na-son"), .unprocessableContent,
                "unknown-agency")
            let csv = "code,name,abbreviation,parent\n000.05.21.H18,Ủy ban nhân dân xã Mới,UBND,000.00.00.H18\n"
            s.expect(try await s.call(.post, "/v1/agencies/import", as: "admin.tinh-dien-bien", body: csv), .ok)
            s.expect(
                try await s.call(.post, "/v1/agencies/import", as: "clerk.tinh-dien-bien", body: csv), .forbidden,
                "forbidden")
            s.expect(
                try await s.call(
                    .post, "/v1/agencies/000.04.21.H18/retire", as: "admin.tinh-dien-bien",
                    json: #"{"successor": "000.05.21.H18"}"#), .ok)
            s.expect(
                try await s.call(.post, "/v1/agencies/000.00.00.H18/retire", as: "admin.tinh-dien-bien", json: "{}"),
                .conflict, "would-lock-out")
        }
    }

    @Test func administrationRoutes() async throws {
        try await session { s in
            let admin = "admin.tinh-dien-bien"
            s.expect(try await s.call(.get, "/v1/admin/audit?limit=5", as: admin), .ok)
            s.expect(try await s.call(.get, "/v1/admin/audit?limit=0", as: admin), .badRequest, "invalid-request")
            s.expect(
                try await s.call(.get, "/v1/admin/audit?limit=x", as: "clerk.tinh-dien-bien"), .forbidden, "forbidden")
            s.expect(
                try await s.call(.post, "/v1/admin/backup", as: "clerk.tinh-dien-bien", json: "{"), .forbidden,
                "forbidden")
            s.expect(try await s.call(.get, "/v1/admin/audit", as: "clerk.tinh-dien-bien"), .forbidden, "forbidden")
            let audit = s.expect(try await s.call(.get, "/v1/admin/audit/verify", as: admin), .ok) as? [String: Any]
            #expect(audit?["problem"] == nil)
            s.expect(try await s.call(.get, "/v1/admin/check", as: admin), .ok)
            let target = s.workspace.directory.appendingPathComponent("backup").path
            s.expect(
                try await s.call(.post, "/v1/admin/backup", as: admin, json: #"{"directory": "\#(target)"}"#), .created)
            s.expect(
                try await s.call(.post, "/v1/admin/backup", as: admin, json: #"{"directory": "\#(target)"}"#),
                .conflict, "backup-directory-not-empty")
            s.expect(try await s.call(.get, "/v1/admin/users", as: admin), .ok)
            let user =
                #"{"username": "clerk2.xa-na-son", "fullName": "Lò Văn Minh", "agency": "000.01.21.H18", "role": "clerk"}"#
            s.expect(try await s.call(.post, "/v1/admin/users", as: admin, json: user), .created)
            s.expect(
                try await s.call(
                    .post, "/v1/admin/users", as: admin,
                    json: user.replacingOccurrences(of: #""role": "clerk""#, with: #""role": "chief""#)),
                .badRequest, "invalid-request")
            s.expect(try await s.call(.post, "/v1/admin/users/clerk2.xa-na-son/tokens?days=30", as: admin), .created)
            s.expect(
                try await s.call(.post, "/v1/admin/users/clerk2.xa-na-son/tokens?days=0", as: admin), .badRequest,
                "invalid-request")
            s.expect(try await s.call(.post, "/v1/admin/users/clerk2.xa-na-son/revoke", as: admin), .ok)
            s.expect(try await s.call(.post, "/v1/admin/users/\(admin)/revoke", as: admin), .conflict, "would-lock-out")
        }
    }

    @Test func approvalRoutes() async throws {
        try await session { s in
            let sha = String(repeating: "ab", count: 32)
            let granted =
                s.expect(
                    try await s.call(
                        .post, "/v1/approvals", as: "signer.tinh-dien-bien", json: #"{"sha256": "\#(sha)"}"#),
                    .created) as? [String: Any]
            let id = try #require(granted?["id"] as? String)
            s.expect(
                try await s.call(.post, "/v1/approvals", as: "clerk.tinh-dien-bien", json: #"{"sha256": "\#(sha)"}"#),
                .forbidden, "forbidden")
            let open = s.expect(try await s.call(.get, "/v1/approvals", as: "clerk.tinh-dien-bien"), .ok) as? [Any]
            #expect(open?.count == 1)
            s.expect(try await s.call(.post, "/v1/approvals/\(id)/withdraw", as: "signer.tinh-dien-bien"), .ok)
            s.expect(
                try await s.call(.post, "/v1/approvals/\(id)/withdraw", as: "signer.tinh-dien-bien"), .conflict,
                "approval-unusable")
        }
    }

    @Test func documentRoutes() async throws {
        try await session { s in
            let id = try await s.send()
            let naSon = "clerk.xa-na-son"
            let inbox = s.expect(try await s.call(.get, "/v1/inbox", as: naSon), .ok) as? [String: Any]
            #expect((inbox?["entries"] as? [[String: Any]])?.map { $0["id"] as? String } == [id])
            s.expect(try await s.call(.get, "/v1/documents/\(id)", as: naSon), .ok)
            s.expect(
                try await s.call(.get, "/v1/documents/\(id)", as: "clerk.xa-phi-nhu"), .notFound, "document-not-found")
            s.expect(try await s.call(.get, "/v1/documents/\(id)/track", as: "clerk.tinh-dien-bien"), .ok)
            let file = try await s.call(.get, "/v1/documents/\(id)/files/0", as: naSon)
            #expect(file.status == .ok && String(buffer: file.body) == "Về cải cách hành chính")
            #expect(file.headers[.contentDisposition] == "attachment; filename*=UTF-8''ct%2Epdf")
            let signature = try await s.call(.get, "/v1/documents/\(id)/files/0/signature", as: naSon)
            #expect(signature.status == .ok && signature.headers[.contentType] == "application/pkcs7-signature")
            s.expect(try await s.call(.get, "/v1/documents/\(id)/files/9", as: naSon), .notFound, "not-found")
            s.expect(try await s.call(.get, "/v1/documents/\(id)/files/x", as: naSon), .notFound, "not-found")
            let identity = try await s.call(.get, "/v1/documents/\(id)/identity", as: naSon)
            #expect(identity.status == .ok && identity.headers[.contentType] == "application/json")
            s.expect(try await s.call(.get, "/v1/documents/\(id)/identity/signature", as: naSon), .ok)

            let ack = s.expect(try await s.call(.post, "/v1/documents/\(id)/ack", as: naSon), .ok) as? [String: Any]
            #expect(ack?["arrivalNumber"] as? Int == 1)
            s.expect(try await s.call(.get, "/v1/inbox"), .unauthorized, "unauthenticated")
            s.expect(
                try await s.call(.post, "/v1/files", as: "statistician.tinh-dien-bien", body: "x"), .forbidden,
                "forbidden", detail: "only a clerk (văn thư) uploads files")
            s.expect(
                try await s.call(.get, "/v1/documents/not-a-uuid", as: "clerk.tinh-dien-bien"), .notFound,
                "document-not-found")
            s.expect(
                try await s.call(
                    .post, "/v1/documents", as: "clerk.tinh-dien-bien", json: #"{"to": [], "to": ["000.01.21.H18"]}"#),
                .badRequest, "invalid-request", detail: "the key to appears twice")
            let body = try await s.sendBody(subject: "Gửi nơi không có")
            s.expect(
                try await s.call(
                    .post, "/v1/documents", as: "clerk.tinh-dien-bien",
                    json: body.replacingOccurrences(of: "000.01.21.H18", with: "999.99.99.H99")),
                .unprocessableContent, "unknown-agency", detail: "no agency has the code 999.99.99.H99")
            s.expect(
                try await s.call(.post, "/v1/documents/\(id)/ack", as: naSon), .conflict,
                "status-transition-not-allowed")
            s.expect(
                try await s.call(
                    .post, "/v1/documents/\(id)/status", as: naSon, json: #"{"status": "04", "to": "Phòng Văn hóa"}"#),
                .ok)
            s.expect(
                try await s.call(.post, "/v1/documents/\(id)/status", as: naSon, json: #"{"status": "01"}"#),
                .badRequest, "invalid-request")

            let second = try await s.send(subject: "Về phòng chống thiên tai")
            s.expect(
                try await s.call(.post, "/v1/documents/\(second)/reject", as: naSon, json: #"{"reason": ""}"#),
                .unprocessableContent, "invalid-field")
            s.expect(
                try await s.call(.post, "/v1/documents/\(second)/reject", as: naSon, json: #"{"reason": "Gửi nhầm"}"#),
                .ok)
            let third = try await s.send(subject: "Về bầu cử")
            s.expect(
                try await s.call(.post, "/v1/documents/\(third)/recall", as: naSon, json: #"{"reason": "Sai"}"#),
                .forbidden, "forbidden")
            s.expect(
                try await s.call(
                    .post, "/v1/documents/\(third)/recall", as: "clerk.tinh-dien-bien", json: #"{"reason": "Sai số"}"#),
                .ok)
        }
    }

    @Test func aSendRetriedWithItsIdempotencyKeyIsAnsweredOnce() async throws {
        try await session { s in
            let clerk = "clerk.tinh-dien-bien"
            let upload = try await s.call(.post, "/v1/files", as: clerk, body: "Gửi lại")
            let sha = try #require((s.expect(upload, .created) as? [String: Any])?["sha256"] as? String)
            let body =
                #"{"files": [{"sha256": "\#(sha)", "name": "cv.pdf"}], "to": ["000.01.21.H18"], "#
                + #""type": "CV", "draftingUnit": "VP", "subject": "Gửi lại"}"#
            let key: HTTPFields = [HTTPField.Name("Idempotency-Key")!: "send-\(UUID())"]
            let first = try await s.call(.post, "/v1/documents", as: clerk, json: body, headers: key)
            let id = try #require((s.expect(first, .created) as? [String: Any])?["id"] as? String)
            #expect(first.headers[.location] == "/v1/documents/\(id)")
            #expect(first.headers[HTTPField.Name("Idempotent-Replayed")!] == nil)
            let again = try await s.call(.post, "/v1/documents", as: clerk, json: body, headers: key)
            #expect(again.status == .created && again.headers[HTTPField.Name("Idempotent-Replayed")!] == "true")
            #expect(Data(buffer: again.body) == Data(buffer: first.body))
            s.expect(
                try await s.call(
                    .post, "/v1/documents", as: clerk, json: body.replacingOccurrences(of: "Gửi lại", with: "Khác"),
                    headers: key),
                .unprocessableContent, "idempotency-key-reused")
            s.expect(
                try await s.call(
                    .post, "/v1/documents", as: clerk, json: body,
                    headers: [HTTPField.Name("Idempotency-Key")!: "có dấu"]),
                .badRequest, "invalid-request")
            let register = s.expect(try await s.call(.get, "/v1/registers/out", as: clerk), .ok) as? [String: Any]
            #expect((register?["rows"] as? [Any])?.count == 1)
        }
    }

    @Test func registerRoutes() async throws {
        try await session { s in
            _ = try await s.send()
            let clerk = "clerk.tinh-dien-bien"
            let register = s.expect(try await s.call(.get, "/v1/registers/out", as: clerk), .ok) as? [String: Any]
            #expect((register?["rows"] as? [Any])?.count == 1)
            s.expect(try await s.call(.get, "/v1/registers/sideways", as: clerk), .notFound, "not-found")
            s.expect(try await s.call(.get, "/v1/registers/in?year=abc", as: clerk), .badRequest, "invalid-request")
            let paper =
                #"{"direction": "in", "type": "CV", "subject": "Giấy mời", "sender": "Sở Nội vụ", "#
                + #""numberAndSymbol": "5/SNV", "issuedOn": "2026-11-02"}"#
            s.expect(try await s.call(.post, "/v1/paper", as: "clerk.xa-na-son", json: paper), .created)
            s.expect(
                try await s.call(
                    .post, "/v1/paper", as: "clerk.xa-na-son",
                    json: paper.replacingOccurrences(of: #""in""#, with: #""up""#)),
                .unprocessableContent, "invalid-field")
            s.expect(try await s.call(.get, "/v1/stats?subtree=true&by=month", as: "viewer.tinh-dien-bien"), .ok)
            s.expect(
                try await s.call(.get, "/v1/stats?from=2026-13-01", as: "viewer.tinh-dien-bien"), .badRequest,
                "invalid-request")
            s.expect(try await s.call(.get, "/v1/overdue?direction=out&within=5", as: clerk), .ok)
            s.expect(
                try await s.call(.get, "/v1/overdue?direction=sideways", as: clerk), .badRequest, "invalid-request")
            s.expect(try await s.call(.get, "/v1/overdue?within=abc", as: clerk), .badRequest, "invalid-request")
        }
    }
}
