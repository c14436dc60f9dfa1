import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp
import LienThongCrypto

/// Health, readiness, metrics and the built-in TSA: no token, for probes, scrapers and other servers.
struct OpenRoutes: RouteGroup {
    let services: Services
    let metrics: ServerMetrics
    /// The per-address limit, in front of the TSA.
    let byAddress: RateLimitMiddleware

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.get("healthz") { _, _ in try json(["status": "ok"]) }
        routes.get("readyz") { _, _ in
            try services.maintenance.readiness()
            return try json(["status": "ready"])
        }
        routes.get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(
                    byteBuffer: ByteBuffer(
                        string: metrics.exposition(timeStampsPending: try services.maintenance.timeStampsPending()))))
        }
        if let authority = services.timeStampAuthority {
            // RFC 3161 over HTTP, for `openssl ts` and for other LienThong servers.
            routes.add(middleware: byAddress).post("tsa") { request, context in
                let query = try await context.body(of: request, limit: 64 << 10)
                return Response(
                    status: .ok, headers: [.contentType: "application/timestamp-reply"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try authority.respond(to: Data(buffer: query)))))
            }
        }
        return routes
    }
}

/// `POST /v1/verify`, open to anyone: a file and its detached signature, or a signed PDF, in; the full report out.
struct VerifyRoutes: RouteGroup {
    let verification: VerificationService
    /// `maxUploadBytes`: a file verified is no larger than one sent.
    let maxFileBytes: Int64
    let metrics: ServerMetrics

    var collection: RouteCollection<LienThongContext> {
        let routes = RouteCollection(context: LienThongContext.self)
        routes.post { request, context in
            // A signed PDF alone may come as it is, streamed: `?name=…&expect=…` say what JSON would.
            if request.headers[.contentType]?.lowercased().hasPrefix("application/pdf") == true {
                let query = request.uri.queryParameters
                let report = try await verification.verifyPDF(
                    name: query["name"].map(String.init), expect: try query["expect"].map(expectation),
                    declaredSize: request.headers[.contentLength].flatMap(Int64.init), limit: maxFileBytes,
                    from: context.remoteAddress?.ipAddress ?? "unknown"
                ) { write in
                    try await context.chunks(of: request, limit: maxFileBytes) { try $0.withUnsafeReadableBytes(write) }
                }
                metrics.verified(report.verdict.indication.rawValue)
                return try json(VerificationAnswer.pdf(report))
            }
            // The file travels base64-encoded inside the JSON: allow for that, up to 64 MiB of file.
            let body = try await decode(
                VerifyRequest.self, request, context, limit: Int(min(maxFileBytes, 64 << 20)) * 4 / 3 + 4096)
            let answer = try await verification.answer(body, from: context.remoteAddress?.ipAddress ?? "unknown")
            metrics.verified(answer.verdict.indication.rawValue)
            return try json(answer)
        }
        return routes
    }

    private func expectation(_ text: Substring) throws -> SignatureExpectation {
        guard let expectation = SignatureExpectation(rawValue: String(text)) else {
            throw Refusal.invalidRequest("expect must be document, attachment or any, not \(text)")
        }
        return expectation
    }
}
