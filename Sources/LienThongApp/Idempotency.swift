import Foundation
import LienThongCrypto
import LienThongRegistry
import Synchronization

/// A request made with an Idempotency-Key: its key (hashed with the user) and the hash of what it asked.
package struct Idempotency: Sendable {
    let requestKey: String
    let requestSHA256: String
    /// The key as the client sent it, to name it in a refusal.
    let key: String

    /// `key` as sent by `username` with a POST to `path` whose body is `body`.
    package init(key: String, username: String, path: String, body: UnsafeRawBufferPointer) {
        self.key = key
        requestKey = Digest.sha256(Data("\(username)\n\(key)".utf8))
        var hasher = StreamingDigest(.sha256)
        hasher.update(Data("POST \(path)\n".utf8))
        hasher.update(body)
        requestSHA256 = hasher.finalizeHex()
    }

    func requireSameRequest(as stored: String?) throws(Refusal) {
        guard stored == requestSHA256 else { throw .idempotencyKeyReused }
    }
}

/// `Idempotency-Key` on every POST: a retry with the same key and the same request gets the first
/// answer again; the same key with another request is refused.
///
/// Keys belong to the user that sent them. Only successful answers are kept, so a request that
/// failed can be retried with its key. A send also files its key with the document in the same
/// transaction (``DocumentService/send(_:by:idempotency:)``): even a crash between filing and
/// answering cannot make a retry send it twice.
package struct IdempotentRequests: Sendable {
    /// An answer given before, to give again.
    package struct Answer: Sendable {
        package let status: Int
        package let contentType: String
        package let body: Data

        package init(status: Int, contentType: String, body: Data) {
            self.status = status
            self.contentType = contentType
            self.body = body
        }
    }

    let registry: Registry
    let now: @Sendable () -> Date
    private let inFlight = InFlightKeys()

    package init(registry: Registry, now: @escaping @Sendable () -> Date) {
        self.registry = registry
        self.now = now
    }

    /// Runs `handle` once for `idempotency` at a time, unless an answer to the same request is stored: then
    /// that answer. A successful answer of `handle` is stored before it is returned.
    package func answer(
        _ idempotency: Idempotency, handle: () async throws -> Answer
    ) async throws -> (answer: Answer, replayed: Bool) {
        guard inFlight.claim(idempotency.requestKey) else {
            throw Refusal.idempotencyKeyInFlight(key: idempotency.key)
        }
        defer { inFlight.release(idempotency.requestKey) }
        if let stored = try registry.documents.idempotentResponse(requestKey: idempotency.requestKey) {
            try idempotency.requireSameRequest(as: stored.requestSHA256)
            return (Answer(status: stored.status, contentType: stored.contentType, body: stored.body), true)
        }
        let answer = try await handle()
        guard (200..<300).contains(answer.status) else { return (answer, false) }
        let record = IdempotentResponseRecord(
            requestKey: idempotency.requestKey, requestSHA256: idempotency.requestSHA256, status: answer.status,
            contentType: answer.contentType, body: answer.body, createdAt: now())
        try await registry.documents.storeIdempotentResponse(record)
        return (answer, false)
    }
}

/// Keys whose request is being handled, so that two retries racing each other do not both run.
final class InFlightKeys: Sendable {
    private let keys = Mutex<Set<String>>([])
    func claim(_ key: String) -> Bool { keys.withLock { $0.insert(key).inserted } }
    func release(_ key: String) { _ = keys.withLock { $0.remove(key) } }
}
