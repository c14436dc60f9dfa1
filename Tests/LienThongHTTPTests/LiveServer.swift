import Foundation
import Hummingbird
import HummingbirdTesting
import InMemoryLogging
import LienThongTestSupport
import Logging
import Testing

@testable import LienThongHTTP

/// The daemon's application in this process on a real loopback port, with its own workspace: for what needs real
/// HTTP (clients at once, limits by address, `openssl` as a peer) but not a process of its own.
struct LiveServer: Sendable {
    let workspace: DemoWorkspace
    /// Calls it as the demo's users: `server.http("POST", "/v1/files", body: …, as: "clerk.tinh-dien-bien")`.
    let http: LoopbackHTTP

    /// - Parameters:
    ///   - environment: settings as `LIENTHONG_…` variables, over the demo's defaults.
    ///   - log: where the server's log lines go, for a test that reads them.
    static func run(
        environment: [String: String] = [:], log: InMemoryLogHandler? = nil,
        _ body: @Sendable (LiveServer) async throws -> Void
    ) async throws {
        let workspace = try await DemoWorkspace(environment: environment)
        let daemon = Daemon(configuration: workspace.configuration, file: workspace.configurationFile.path)
        var logger = log.map { handler in Logger(label: "live-tests") { _ in handler } } ?? Logger(label: "live-tests")
        if log == nil { logger.logLevel = .warning }  // the test run's output stays readable
        let application = try await daemon.makeApplication(logger: logger)
        try await application.test(.live) { client in
            let port = try #require(client.port)
            let http = LoopbackHTTP(
                port: port, tokens: workspace.configuration.dataURL.appendingPathComponent("tokens"), host: "localhost")
            try await body(LiveServer(workspace: workspace, http: http))
        }
    }

    /// Bytes written as they are to the server's port, and everything it answers until it closes: for requests no
    /// HTTP client will send (URLSession refuses a 1 MB header).
    func raw(_ request: [UInt8]) throws -> String {
        let connection = try RawConnection(port: http.port)
        connection.send(request)
        return connection.readAll(waiting: 60)
    }

    /// The statuses of `count` copies of one request written at once on one connection (HTTP/1.1 pipelining): a
    /// burst that arrives within milliseconds however loaded the machine, which concurrent clients cannot promise.
    func pipelined(
        _ count: Int, _ method: String, _ path: String, body: [UInt8] = [], token: String? = nil
    ) throws
        -> [Int]
    {
        func request(closing: Bool) -> [UInt8] {
            let authorization = token.map { "Authorization: Bearer \($0)\r\n" } ?? ""
            let head =
                "\(method) \(path) HTTP/1.1\r\nHost: localhost\r\n\(authorization)Content-Length: \(body.count)\r\n"
                + (closing ? "Connection: close\r\n" : "") + "\r\n"
            return Array(head.utf8) + body
        }
        let answers = try raw((0..<count).flatMap { request(closing: $0 == count - 1) })
        return answers.matches(of: /HTTP\/1\.1 (\d{3})\s/).compactMap { Int($0.1) }
    }

    /// Uploads `content` and sends it as `user`'s document to `recipients`; the document's view, as the server
    /// answered it.
    func send(
        _ content: Data, name: String, type: String, subject: String, as user: String,
        to recipients: [String] = ["000.01.21.H18"]
    ) async throws -> [String: Any] {
        let upload = try await http("POST", "/v1/files", body: content, as: user)
        let sha = try #require((try JSONSerialization.jsonObject(with: upload.body) as? [String: Any])?["sha256"])
        let body = try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": sha, "name": name]], "to": recipients, "type": type, "subject": subject,
        ])
        let sent = try await http("POST", "/v1/documents", body: body, as: user)
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        return try #require(try JSONSerialization.jsonObject(with: sent.body) as? [String: Any])
    }

    /// `body` as JSON, POSTed as `user`.
    func post(_ path: String, _ body: [String: Any], as user: String) async throws -> LoopbackHTTP.Answer {
        try await http("POST", path, body: JSONSerialization.data(withJSONObject: body), as: user)
    }

    /// The rows of the caller's outgoing register this year: how many documents it filed.
    func outgoingCount(as user: String) async throws -> Int {
        let register = try await http("GET", "/v1/registers/out", as: user)
        let object = try JSONSerialization.jsonObject(with: register.body) as? [String: Any]
        return (object?["rows"] as? [[String]])?.count ?? -1
    }
}

/// Expects a refusal: `status`, the problem type `urn:lienthong:problem:<slug>` and `words` in its detail (the CLI
/// prints the detail and the slug).
func expectProblem(
    _ answer: LoopbackHTTP.Answer, _ status: Int, _ slug: String, _ words: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let problem = (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any]
    let detail = problem?["detail"] as? String ?? ""
    let said = words.map { detail.contains($0) } ?? true
    #expect(
        answer.status == status && problem?["type"] as? String == "urn:lienthong:problem:\(slug)" && said,
        "\(answer.status) \(String(decoding: answer.body, as: UTF8.self))", sourceLocation: sourceLocation)
}
