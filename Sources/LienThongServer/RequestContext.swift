import Hummingbird
import NIOCore
import LienThongAPI
import LienThongRegistry

/// Per-request state: who is calling, once the token has been checked.
public struct LienThongContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set by ``AuthenticationMiddleware`` on every `/v1` route.
    public var caller: UserRecord?
    /// Set by ``IdempotencyMiddleware`` when a POST carries an Idempotency-Key.
    public var idempotency: Idempotency?
    /// The client's address, for limits before a token is known.
    public let remoteAddress: SocketAddress?

    public init(source: Source) {
        coreContext = .init(source: source)
        caller = nil
        idempotency = nil
        remoteAddress = source.channel.remoteAddress
    }

    /// JSON bodies are small; files come through the streaming upload route instead.
    public var maxUploadSize: Int { 1 << 20 }

    func requireCaller() throws -> UserRecord {
        guard let caller else { throw Problem.unauthenticated }
        return caller
    }
}
