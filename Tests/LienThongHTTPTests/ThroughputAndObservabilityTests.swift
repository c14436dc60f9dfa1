import Foundation
import InMemoryLogging
import LienThongTestSupport
import Testing

/// What many clients at once and an operator's probes see, over real HTTP.
@Suite("Numbers under concurrency, health and metrics, over HTTP in process")
struct ThroughputAndObservabilityTests {
    /// Several hundred sends at once over HTTP from one agency: each number 01…N exactly once.
    @Test func concurrentSendsOverHTTPGetEveryNumberOnce() async throws {
        try await LiveServer.run { server in
            let count = 300
            let province = "clerk.tinh-dien-bien"
            @Sendable func call(_ path: String, _ body: Data) async throws -> [String: Any] {
                let answer = try await server.http("POST", "/v1/" + path, body: body, as: province)
                #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
                return try #require(try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])
            }
            let uploaded = try await call("files", Data("Thông báo\n".utf8))
            let sha = try #require(uploaded["sha256"] as? String)
            let body = try JSONSerialization.data(withJSONObject: [
                "files": [["sha256": sha, "name": "tb.pdf"]], "to": ["000.01.21.H18"], "type": "TB",
                "subject": "Thông báo",
            ])
            let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<count { group.addTask { try await call("documents", body)["number"] as? Int ?? 0 } }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(numbers.sorted() == Array(1...count))
            #expect(try await server.outgoingCount(as: province) == count)
        }
    }

    @Test func healthReadinessAndMetricsSayWhatHappenedWithoutDocumentIds() async throws {
        let log = InMemoryLogHandler()
        try await LiveServer.run(log: log) { server in
            let id = try await SignatureServiceHTTPTests.send(server)
            #expect(try await server.http("GET", "/healthz").status == 200)
            #expect(try await server.http("GET", "/readyz").status == 200)
            _ = try await server.http("GET", "/v1/documents/\(id)", as: "clerk.xa-na-son")
            let metrics = try await server.http("GET", "/metrics")
            let text = String(decoding: metrics.body, as: UTF8.self)
            #expect(metrics.status == 200 && metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(text.contains("lienthong_documents_sent_total 1"), "\(text)")
            #expect(
                text.contains(
                    #"lienthong_http_requests_total{method="GET",route="/v1/documents/{id}",status="200"} 1"#),
                "\(text)")
            #expect(
                text.contains(#"lienthong_http_request_duration_seconds_count{method="POST",route="/v1/documents"}"#))
            #expect(text.contains("lienthong_time_stamps_pending 0"))
            #expect(!text.contains(id))
            // Log lines never carry a token.
            let token = try server.http.token(of: "clerk.xa-na-son")
            let lines = log.entries.map { "\($0.message) \($0.metadata)" }
            #expect(lines.count > 3 && !lines.contains { $0.contains(token) })
        }
    }
}
