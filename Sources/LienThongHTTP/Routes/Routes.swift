import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp

/// The HTTP API: the open routes, then `/v1` behind its middleware, one route collection per feature.
/// A handler decodes, calls one service method and encodes; every rule lives in the services.
struct Routes {
    let services: Services
    let metrics: ServerMetrics
    let limiter: RateLimiter
    /// How many times the per-user limit one address may use: an office's clerks share one address.
    static let usersPerAddress = 10.0
    /// When set, a TLS client certificate can stand for a token.
    let clientCertificates: ClientCertificates?

    func register(on router: Router<LienThongContext>) {
        // Per address, before anything else: a caller with no token or a bad one, or asking the TSA,
        // is slowed as well.
        let byAddress = RateLimitMiddleware(
            limiter: RateLimiter(
                rate: limiter.rate * Self.usersPerAddress, burst: Int(limiter.burst * Self.usersPerAddress)),
            byAddress: true)
        router.addRoutes(OpenRoutes(services: services, metrics: metrics, byAddress: byAddress).collection)
        // Open to anyone: verifying a signature reveals nothing the caller did not send.
        router.group("v1/verify").add(middleware: RateLimitMiddleware(limiter: limiter))
            .addRoutes(
                VerifyRoutes(
                    verification: services.verification, maxFileBytes: services.uploads.limit, metrics: metrics
                ).collection)
        router.group("v1").add(middleware: byAddress)
            .add(
                middleware: AuthenticationMiddleware(
                    authentication: services.authentication, clientCertificates: clientCertificates)
            )
            .add(middleware: RateLimitMiddleware(limiter: limiter))
            .add(middleware: IdempotencyMiddleware(requests: services.idempotentRequests))
            .addRoutes(DirectoryRoutes(directory: services.directory, users: services.users).collection)
            .addRoutes(AdminRoutes(maintenance: services.maintenance, users: services.users).collection)
            .addRoutes(ApprovalRoutes(approvals: services.approvals).collection)
            .addRoutes(
                DocumentRoutes(documents: services.documents, uploads: services.uploads, metrics: metrics).collection
            )
            .addRoutes(RegisterRoutes(documents: services.documents).collection)
    }
}

/// What every feature's routes are built from: a collection for the request context, and JSON in and out.
protocol RouteGroup {
    var collection: RouteCollection<LienThongContext> { get }
}

extension RouteGroup {
    func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let data = try APIJSON.encoder.encode(value)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Decodes a JSON body, answering a clear problem for anything that is not the expected shape.
    func decode<T: Decodable>(
        _ type: T.Type, _ request: Request, _ context: LienThongContext, limit: Int? = nil
    ) async throws -> T {
        let buffer = try await context.body(of: request, limit: limit ?? context.maxUploadSize)
        guard buffer.readableBytes > 0 else { throw Refusal.invalidRequest("the body is empty: send a JSON object") }
        let shape: JSONShape
        do {
            shape = try buffer.withUnsafeReadableBytes { bytes throws(JSONShape.Violation) in try JSONShape(bytes) }
        } catch {
            throw Refusal.invalidRequest(error.description)
        }
        do {
            return try APIJSON.decoder.decode(type, from: Data(buffer: buffer))
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            // JSONDecoder names no field for a number it cannot take as an integer; no request has a
            // field for fractions, so those found are the cause.
            guard let fractions = shape.fractionsText else {
                throw Refusal.invalidRequest(
                    "the JSON body is not valid: \(describe(DecodingError.dataCorrupted(context)))")
            }
            throw Refusal.invalidRequest("the JSON body is not valid: \(fractions), where a whole number is expected")
        } catch {
            throw Refusal.invalidRequest("the JSON body is not valid: \(describe(error))")
        }
    }
}

extension LienThongContext {
    /// The `:id` of a document route; ids are lowercase UUIDs, anything else cannot exist.
    var id: String {
        get throws {
            guard let id = parameters.get("id"), UUID(uuidString: id) != nil else { throw Refusal.documentNotFound }
            return id.lowercased()
        }
    }

    /// A path parameter the route pattern guarantees.
    func parameter(_ name: String) -> String { parameters.get(name) ?? "" }
}

extension Data {
    init(buffer: ByteBuffer) {
        self = buffer.withUnsafeReadableBytes { Data($0) }
    }
}
