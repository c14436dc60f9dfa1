import Foundation
import LienThongAPI
import LienThongCrypto
import Logging

/// The revocation evidence embedded in every signature the daemon makes (CAdES-LT): CRLs from
/// `Certs/crl/`, and OCSP responses or CRLs fetched for certificates those do not cover.
package struct SigningEvidence: Sendable {
    package let fetcher: RevocationFetcher
    package let logger: Logger

    /// Evidence for the identities' chains. A revoked certificate refuses the send: an agency must
    /// not sign with a key its CA has withdrawn.
    /// - Parameter current: the settings of the request, read once for all of it.
    package func evidence(
        for identities: [SigningIdentity], settings current: Settings, at now: Date
    ) async throws -> RevocationEvidence {
        let (trust, local) = (current.trust, current.crls)
        let chains = identities.map { trust.chain(of: $0) }
        let evidence = local + (await fetcher.collect(chains: chains, known: local, trust: trust))
        for (identity, chain) in zip(identities, chains) {
            let (check, statuses) = evidence.check(chain: chain, trust: trust, at: now, policy: .require)
            let suspended = statuses.contains { $0.status == .suspended && ($0.revokedAt ?? .distantPast) <= now }
            switch check.subIndication {
            case .revoked?:
                throw Refusal.certificateRevoked(
                    "cannot sign with the certificate of \(identity.certificate): \(check.detail)")
            case .some where suspended:
                throw Refusal.certificateSuspended(
                    "cannot sign with the certificate of \(identity.certificate) while its CA holds "
                        + "it: \(check.detail); ask the CA to lift the hold, or sign with another certificate")
            case .some:
                logger.warning(
                    "signature will carry no complete revocation evidence", metadata: ["detail": "\(check.detail)"])
            case nil:
                break
            }
        }
        return RevocationEvidence(crls: evidence.crls, ocspResponses: evidence.ocspResponses)
    }
}
