import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongRegistry
import Synchronization

/// Signing identities loaded from their files once and kept: a key is parsed on first use, not
/// for every document.
package final class SigningKeys: Sendable {
    private let cache = Mutex<[String: SigningIdentity]>([:])
    /// Opens the encrypted key files.
    private let passphrase: String?
    /// What a relative path in the registry is relative to: the certificates directory, so that a
    /// registry and its `Certs/` can move together (a restore, another machine).
    private let certificates: URL

    package init(passphrase: String?, certificates: URL) {
        self.passphrase = passphrase
        self.certificates = certificates
    }

    package func seal(of agency: AgencyRecord) throws -> SigningIdentity {
        guard let certificate = agency.sealCertificatePath, let key = agency.sealKeyPath else {
            throw Refusal.signingFailed("\(agency.name) has no seal certificate configured")
        }
        return try load("agency:\(agency.code)", certificate, key, owner: agency.name)
    }

    package func signer(_ user: UserRecord) throws -> SigningIdentity {
        guard let certificate = user.certificatePath, let key = user.keyPath else {
            throw Refusal.signingFailed("\(user.fullName) (\(user.username)) has no signing certificate configured")
        }
        return try load("user:\(user.username)", certificate, key, owner: user.fullName)
    }

    private func load(_ id: String, _ certificate: String, _ key: String, owner: String) throws -> SigningIdentity {
        if let cached = cache.withLock({ $0[id] }) { return cached }
        do {
            let identity = try SigningIdentity.load(
                certificateChain: URL(fileURLWithPath: certificate, relativeTo: certificates),
                key: URL(fileURLWithPath: key, relativeTo: certificates),
                passphrase: passphrase)
            cache.withLock { $0[id] = identity }
            return identity
        } catch {
            throw Refusal.signingFailed("the signing key of \(owner) cannot be loaded: \(error)")
        }
    }
}
