import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Requests to a server on a loopback port as the demo's users, as any HTTP client sends them: the router tests'
/// server in process and the end-to-end tests' daemon are called the same way.
package struct LoopbackHTTP: Sendable {
    /// An answer: the status, the headers with lower-cased names, the body.
    package typealias Answer = (status: Int, headers: [String: String], body: Data)

    package let port: Int
    /// The folder where the demo setup wrote each user's `<username>.token`.
    package let tokens: URL
    package let host: String

    package init(port: Int, tokens: URL, host: String = "127.0.0.1") {
        self.port = port
        self.tokens = tokens
        self.host = host
    }

    /// The bearer token the demo setup wrote for `user`.
    package func token(of user: String) throws -> String {
        try String(contentsOf: tokens.appendingPathComponent("\(user).token"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// One request as `user` (a demo username), with `token`, or without either.
    package func callAsFunction(
        _ method: String, _ path: String, body: Data? = nil, as user: String? = nil, token: String? = nil,
        headers: [String: String] = [:]
    ) async throws -> Answer {
        var request = URLRequest(url: URL(string: "http://\(host):\(port)\(path)")!)
        request.httpMethod = method
        request.httpBody = body
        request.timeoutInterval = 120
        if let bearer = try token ?? user.map(self.token(of:)) {
            request.setValue(
                "Bearer \(bearer.trimmingCharacters(in: .whitespacesAndNewlines))", forHTTPHeaderField: "Authorization")
        }
        for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let http = response as? HTTPURLResponse else { throw URLError(.badServerResponse) }
        let fields = Dictionary(http.allHeaderFields.map { ("\($0.key)".lowercased(), "\($0.value)") }) { first, _ in
            first
        }
        return (http.statusCode, fields, data)
    }
}
