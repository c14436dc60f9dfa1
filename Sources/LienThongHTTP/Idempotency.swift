import Foundation
import HTTPTypes
import Hummingbird
import LienThongApp
import Synchronization

/// `Idempotency-Key` on every POST (``IdempotentRequests``): a replayed answer is marked
/// `Idempotent-Replayed: true`. Uploads (`POST /v1/files`) need no key: a file is stored by its
/// SHA-256, and the same bytes are the same file.
struct IdempotencyMiddleware: RouterMiddleware {
    let requests: IdempotentRequests

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
            throw Refusal.invalidRequest(
                "the Idempotency-Key header is 1 to 255 visible ASCII characters, for example a UUID")
        }
        let caller = try context.requireCaller()
        let body = try await context.body(of: request, limit: context.maxUploadSize)
        let idempotency = body.withUnsafeReadableBytes {
            Idempotency(key: key, username: caller.username, path: request.uri.path, body: $0)
        }
        var request = request
        request.body = .init(buffer: body)
        var context = context
        context.idempotency = idempotency
        var headers = HTTPFields()
        let (answer, replayed) = try await requests.answer(idempotency) { [context, request] in
            let response = try await next(request, context)
            headers = response.headers
            let body = try await Self.collect(response.body)
            return .init(
                status: response.status.code, contentType: response.headers[.contentType] ?? "application/json",
                body: Data(buffer: body))
        }
        if replayed {
            headers = [.contentType: answer.contentType, Self.replayedHeader: "true"]
        }
        return Response(
            status: .init(code: answer.status), headers: headers,
            body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
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
