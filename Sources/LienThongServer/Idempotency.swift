import Foundation
import HTTPTypes
import Hummingbird
import LienThongAPI
import LienThongCrypto
import LienThongRegistry
import Synchronization

/// `Idempotency-Key` on every POST: a retry with the same key and the same request gets the first
/// answer again, marked `Idempotent-Replayed: true`; the same key with another request is refused.
///
/// Keys belong to the user that sent them. Only successful answers are kept, so a request that
/// failed can be retried with its key. A send also files its key with the document in the same
/// transaction (``DocumentService/send(_:by:idempotency:)``): even a crash between filing and
/// answering cannot make a retry send it twice. Uploads (`POST /v1/files`) need no key: a file is
/// stored by its SHA-256, and the same bytes are the same file.
struct IdempotencyMiddleware: RouterMiddleware {
    let registry: Registry
    /// Where the answer is stored, off Swift's cooperative threads.
    let disk: DiskWork
    let now: @Sendable () -> Date
    let inFlight = InFlightKeys()

    static let header = HTTPField.Name("Idempotency-Key")!
    static let replayedHeader = HTTPField.Name("Idempotent-Replayed")!

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        guard request.method == .post, let key = request.headers[Self.header], request.uri.path != "/v1/files" else {
            return try await next(request, context)
        }
        guard (1...255).contains(key.utf8.count), key.unicodeScalars.allSatisfy({ (0x21..<0x7F).contains($0.value) })
        else {
            throw Problem.invalid("the Idempotency-Key header is 1 to 255 visible ASCII characters, for example a UUID")
        }
        let caller = try context.requireCaller()
        let requestKey = Digest.sha256(Data("\(caller.username)\n\(key)".utf8))
        let body = try await context.body(of: request, limit: context.maxUploadSize)
        var hasher = StreamingDigest(.sha256)
        hasher.update(Data("POST \(request.uri.path)\n".utf8))
        body.withUnsafeReadableBytes { hasher.update($0) }
        let idempotency = Idempotency(requestKey: requestKey, requestSHA256: hasher.finalizeHex())

        guard inFlight.claim(requestKey) else {
            throw Problem(
                "idempotency-key-in-flight", status: 409, title: "The same request is still being handled",
                detail:
                    "a request with Idempotency-Key \(key) is in progress; wait for its answer, or retry in a moment")
        }
        defer { inFlight.release(requestKey) }
        if let stored = try registry.idempotentResponse(requestKey: requestKey) {
            try idempotency.requireSameRequest(as: stored.requestSHA256)
            return Response(
                status: .init(code: stored.status),
                headers: [.contentType: stored.contentType, Self.replayedHeader: "true"],
                body: .init(byteBuffer: ByteBuffer(bytes: stored.body)))
        }
        var request = request
        request.body = .init(buffer: body)
        var context = context
        context.idempotency = idempotency
        var response = try await next(request, context)
        guard (200..<300).contains(response.status.code) else { return response }
        let answer = try await Self.collect(response.body)
        let record = IdempotentResponseRecord(
            requestKey: requestKey, requestSHA256: idempotency.requestSHA256, status: response.status.code,
            contentType: response.headers[.contentType] ?? "application/json", body: Data(buffer: answer),
            createdAt: now())
        try await disk.run { [registry] in try registry.storeIdempotentResponse(record) }
        response.body = .init(byteBuffer: answer)
        return response
    }

    /// The whole body of a response this server made (JSON: small).
    static func collect(_ body: ResponseBody) async throws -> ByteBuffer {
        let sink = Sink()
        try await body.write(CollectingWriter(sink: sink))
        return sink.buffer.withLock { $0 }
    }

    final class Sink: Sendable {
        let buffer = Mutex(ByteBuffer())
    }

    struct CollectingWriter: ResponseBodyWriter {
        let sink: Sink
        mutating func write(_ buffer: ByteBuffer) async throws {
            sink.buffer.withLock { _ = $0.writeImmutableBuffer(buffer) }
        }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}

/// A request made with an Idempotency-Key: its key (hashed with the user) and the hash of what it asked.
public struct Idempotency: Sendable {
    let requestKey: String
    let requestSHA256: String

    func requireSameRequest(as stored: String?) throws {
        guard stored == requestSHA256 else {
            throw Problem(
                "idempotency-key-reused", status: 422, title: "Idempotency-Key used for another request",
                detail:
                    "this Idempotency-Key was already used for a different request; send a new key with a new request")
        }
    }
}

/// Keys whose request is being handled, so that two retries racing each other do not both run.
final class InFlightKeys: Sendable {
    private let keys = Mutex<Set<String>>([])
    func claim(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    func release(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}
