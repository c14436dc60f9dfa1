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
        let logger = log.map { handler in Logger(label: "live-tests") { _ in handler } } ?? Logger(label: "live-tests")
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
        return connection.readAll(waiting: 30)
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

    /// The rows of the caller's outgoing register this year: how many documents it filed.
    func outgoingCount(as user: String) async throws -> Int {
        let register = try await http("GET", "/v1/registers/out", as: user)
        let object = try JSONSerialization.jsonObject(with: register.body) as? [String: Any]
        return (object?["rows"] as? [[String]])?.count ?? -1
    }
}
