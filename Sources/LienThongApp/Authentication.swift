import Foundation
import LienThongCrypto
import LienThongRegistry

/// Who a request comes from: a bearer token, compared by its hash only (an expired or revoked one is as good as
/// none), or the name in a verified TLS client certificate.
package struct Authentication: Sendable {
    let registry: Registry
    /// When a token's expiry is judged.
    let now: @Sendable () -> Date

    package init(registry: Registry, now: @escaping @Sendable () -> Date) {
        self.registry = registry
        self.now = now
    }

    /// The user whose token is `token`, if it is current.
    package func user(token: String) throws -> UserRecord {
        guard !token.isEmpty, token.utf8.count <= 200,
            let user = try registry.directory.user(tokenSHA256: Tokens.hash(token), at: now())
        else {
            throw Refusal.unauthenticated
        }
        return user
    }

    /// The user a verified client certificate names by its common name, unless their access was revoked.
    package func user(certificateName name: String) throws -> UserRecord? {
        guard let user = try registry.directory.user(name), user.accessRevokedAt == nil else { return nil }
        return user
    }
}

/// Bearer tokens: random, shown once, stored only as a hash.
package enum Tokens {
    package static func generate() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "lt_"
            + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(
                of: "=", with: "")
    }

    package static func hash(_ token: String) -> String { Digest.sha256(Data(token.utf8)) }
}
