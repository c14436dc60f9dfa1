import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LienThongTestSupport
import Logging
import Testing

@testable import LienThongApp
@testable import LienThongHTTP

/// The daemon's routes in process, through Hummingbird's test client: the router, the middleware,
/// the services, a real registry and real OpenSSL, without a port or a child process.
@Suite("Routes in process: happy and unhappy paths", .serialized)
struct RouterTests {
    let workspace: DemoWorkspace
    let daemon: Daemon
    var directory: URL { workspace.directory }

    init() async throws {
        workspace = try await DemoWorkspace()
        daemon = Daemon(configuration: workspace.configuration, file: workspace.configurationFile.path)
    }

    /// A demo user's token, as the demo setup wrote it, in the request's headers.
    struct Callers: Sendable {
        let directory: URL

        func headers(_ user: String?, json: Bool = false) throws -> HTTPFields {
            var fields = HTTPFields()
            if let user {
                let token = try String(
                    contentsOf: directory.appendingPathComponent("data/tokens/\(user).token"), encoding: .utf8)
                fields[.authorization] = "Bearer \(token.trimmingCharacters(in: .whitespacesAndNewlines))"
            }
            if json { fields[.contentType] = "application/json" }
            return fields
        }
    }

    static func object(_ response: TestResponse) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any])
    }

    static func expectProblem(_ response: TestResponse, _ status: HTTPResponse.Status, _ text: String) {
        let body = String(buffer: response.body)
        #expect(response.status == status && body.contains(text), "\(response.status) \(body)")
        #expect(response.headers[.contentType] == "application/problem+json")
    }

    @Test func aDocumentTravelsThroughTheRoutesAndEveryRefusalIsAProblem() async throws {
        let application = try await daemon.makeApplication(logger: Logger(label: "router-tests"))
        let callers = Callers(directory: directory)
        let (object, expectProblem) = (Self.object, Self.expectProblem)
        try await application.test(.router) { client in
            #expect(try await client.execute(uri: "/healthz", method: .get).status == .ok)
            expectProblem(try await client.execute(uri: "/v1/inbox", method: .get), .unauthorized, "unauthenticated")

            // Upload and send as the province's clerk.
            let clerk = "clerk.tinh-dien-bien"
            let upload = try await client.execute(
                uri: "/v1/files", method: .post, headers: try callers.headers(clerk),
                body: ByteBuffer(string: "%PDF-1.7 Chỉ thị\n"))
            #expect(upload.status == .created)
            let sha = try #require(try object(upload)["sha256"] as? String)
            let send =
                #"{"files": [{"sha256": "\#(sha)", "name": "ct.pdf"}], "to": ["000.01.21.H18"], "#
                + #""type": "CT", "subject": "Về cải cách hành chính"}"#
            let sent = try await client.execute(
                uri: "/v1/documents", method: .post, headers: try callers.headers(clerk, json: true),
                body: ByteBuffer(string: send))
            #expect(sent.status == .created, "\(String(buffer: sent.body))")
            let id = try #require(try object(sent)["id"] as? String)

            // The recipient reads and registers it; a foreign commune sees nothing of it.
            let recipient = "clerk.xa-na-son"
            #expect(
                try await client.execute(
                    uri: "/v1/documents/\(id)", method: .get, headers: try callers.headers(recipient)
                )
                .status == .ok)
            expectProblem(
                try await client.execute(
                    uri: "/v1/documents/\(id)", method: .get, headers: try callers.headers("clerk.xa-phi-nhu")),
                .notFound, "document-not-found")
            let ack = try await client.execute(
                uri: "/v1/documents/\(id)/ack", method: .post, headers: try callers.headers(recipient))
            #expect(try ack.status == .ok && object(ack)["arrivalNumber"] as? Int == 1, "\(String(buffer: ack.body))")
            expectProblem(
                try await client.execute(
                    uri: "/v1/documents/\(id)/ack", method: .post, headers: try callers.headers(recipient)),
                .conflict, "status-transition-not-allowed")

            // Refusals: the role, the id, the body.
            expectProblem(
                try await client.execute(
                    uri: "/v1/files", method: .post, headers: try callers.headers("statistician.tinh-dien-bien"),
                    body: ByteBuffer(string: "x")),
                .forbidden, "only a clerk (văn thư) uploads files")
            expectProblem(
                try await client.execute(
                    uri: "/v1/documents/not-a-uuid", method: .get, headers: try callers.headers(clerk)),
                .notFound, "document-not-found")
            expectProblem(
                try await client.execute(
                    uri: "/v1/documents", method: .post, headers: try callers.headers(clerk, json: true),
                    body: ByteBuffer(string: #"{"to": [], "to": ["000.01.21.H18"]}"#)),
                .badRequest, "the key to appears twice")
            expectProblem(
                try await client.execute(
                    uri: "/v1/documents", method: .post, headers: try callers.headers(clerk, json: true),
                    body: ByteBuffer(string: send.replacingOccurrences(of: "000.01.21.H18", with: "999.99.99.H99"))),
                .unprocessableContent, "no agency has the code 999.99.99.H99")
        }
    }
}
