import Foundation
import HTTPTypes
import Hummingbird
import LienThongAPI
import Synchronization

/// A token bucket per caller: `rate` requests a second on average, `burst` at once. A client that
/// sends faster is told to wait (429 with Retry-After) instead of slowing everyone else down.
final class RateLimiter: Sendable {
    private struct Bucket {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(burst)
    }

    /// Takes one token for `key`; when there is none, how long until there is.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Duration? {
        buckets.withLock { buckets in
            if buckets.count > 10_000 {
                // Forget callers whose bucket has refilled: they lose nothing.
                buckets = buckets.filter {
                    Double(($0.value.updated.duration(to: now)).components.seconds) * rate + $0.value.tokens < burst
                }
            }
            var bucket = buckets[key] ?? Bucket(tokens: burst, updated: now)
            let elapsed = bucket.updated.duration(to: now)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            bucket.tokens = min(burst, bucket.tokens + seconds * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            guard bucket.tokens >= 1 else { return .seconds((1 - bucket.tokens) / rate) }
            bucket.tokens -= 1
            return nil
        }
    }
}

/// Applies a ``RateLimiter`` to every request: per user once signed in, per address before (or
/// always, with `byAddress`: in front of authentication, so that bad tokens are slowed too).
struct RateLimitMiddleware: RouterMiddleware {
    let limiter: RateLimiter
    var byAddress = false

    func handle(
        _ request: Request, context: LienThongContext, next: (Request, LienThongContext) async throws -> Response
    ) async throws -> Response {
        let address = "address:\(context.remoteAddress?.ipAddress ?? "unknown")"
        let key = byAddress ? address : context.caller.map { "user:\($0.username)" } ?? address
        if let wait = limiter.take(key) {
            let seconds = max(1, Int(wait.components.seconds) + (wait.components.attoseconds > 0 ? 1 : 0))
            var response = Problem.tooManyRequests(rate: limiter.rate, burst: limiter.burst, waitSeconds: seconds)
                .response
            response.headers[HTTPField.Name("Retry-After")!] = String(seconds)
            return response
        }
        return try await next(request, context)
    }
}
