import Hummingbird
import LienThongAPI
import LienThongApp
import LienThongRegistry
import NIOCore

/// Per-request state: who is calling, once the token has been checked.
package struct LienThongContext: RequestContext, RemoteAddressRequestContext {
    package var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` on every `/v1` route.
    package var caller: UserRecord?
    /// Set by ``IdempotencyMiddleware`` when a POST carries an Idempotency-Key.
    package var idempotency: Idempotency?
    /// The client's address, for limits before a token is known.
    package let remoteAddress: SocketAddress?
    /// Set by ``DeadlineMiddleware``: when the body must have arrived.
    package var deadline: ContinuousClock.Instant?
    /// The connection, for its TLS client certificate.
    let channel: any Channel

    package init(source: Source) {
        coreContext = .init(source: source)
        caller = nil
        idempotency = nil
        remoteAddress = source.channel.remoteAddress
        deadline = nil
        channel = source.channel
    }

    /// JSON bodies are small; files come through the streaming upload route instead.
    package var maxUploadSize: Int { 1 << 20 }

    /// The request body, chunk by chunk, refused once larger than `limit` or later than the deadline.
    func chunks(of request: Request, limit: Int64, each: (ByteBuffer) throws -> Void) async throws {
        var size: Int64 = 0
        for try await chunk in request.body {
            if let deadline, ContinuousClock.now > deadline {
                throw Problem.requestTimeout
            }
            size += Int64(chunk.readableBytes)
            guard size <= limit else { throw Refusal.fileTooLarge(limit: limit) }
            try each(chunk)
        }
    }

    /// The whole request body (JSON, CSV, a time-stamp query: small), within `limit` and the deadline.
    func body(of request: Request, limit: Int) async throws -> ByteBuffer {
        var buffer = ByteBuffer()
        try await chunks(of: request, limit: Int64(limit)) { chunk in
            var chunk = chunk
            buffer.writeBuffer(&chunk)
        }
        return buffer
    }

    func requireCaller() throws -> UserRecord {
        guard let caller else { throw Refusal.unauthenticated }
        return caller
    }
}
