import COpenSSL
import Foundation
import LienThongDomain

/// Decides, from evidence in hand, whether each certificate of a chain was revoked at a time.
struct RevocationChecker {
    let evidence: RevocationEvidence
    let trust: TrustStore
    let untrusted: [Certificate]

    /// OCSP first (fresher), then a CRL from the issuer that covers `time`.
    func status(of certificate: Certificate, issuer: Certificate, at time: Date) -> RevocationStatus {
        var result = RevocationStatus(certificate: certificate.description, status: .missing)
        if !evidence.ocspResponses.isEmpty, let status = ocspStatus(of: certificate, issuer: issuer) { return status }
        for crl in evidence.crls where trust.cache.isIssued(crl, by: issuer) && (crl.nextUpdate ?? .distantFuture) >= time {
            result.source = "CRL of \(issuer)"
            result.issuedAt = crl.thisUpdate
            result.nextUpdate = crl.nextUpdate
            if let revoked = crl.revocationDate(of: certificate) {
                result.status = .revoked
                result.revokedAt = revoked
            } else {
                result.status = .good
            }
            return result
        }
        ERR_clear_error()
        if let reason = evidence.unreachable[certificate.serialNumber] {
            result.status = .unreachable
            result.source = reason
        }
        return result
    }

    /// The first OCSP response that verifies and speaks of `certificate`.
    private func ocspStatus(of certificate: Certificate, issuer: Certificate) -> RevocationStatus? {
        var result = RevocationStatus(certificate: certificate.description, status: .missing)
        let stack = shim_sk_X509_new_null()!
        defer { shim_sk_X509_pop_free(stack) }
        for extra in untrusted + trust.intermediates { shim_sk_X509_push_up_ref(stack, extra.pointer) }
        for response in evidence.ocspResponses {
            var revoked = time_t(), thisUpdate = time_t(), nextUpdate = time_t()
            let status = response.withUnsafeBytes { raw in
                shim_ocsp_status(raw.bindMemory(to: UInt8.self).baseAddress, raw.count, certificate.pointer, issuer.pointer,
                                 trust.store, stack, &revoked, &thisUpdate, &nextUpdate)
            }
            ERR_clear_error()
            guard status >= 0 else { continue }
            result.source = "OCSP response for \(issuer)"
            result.issuedAt = Date(timeIntervalSince1970: TimeInterval(thisUpdate))
            result.nextUpdate = nextUpdate > 0 ? Date(timeIntervalSince1970: TimeInterval(nextUpdate)) : nil
            switch status {
            case V_OCSP_CERTSTATUS_GOOD: result.status = .good
            case V_OCSP_CERTSTATUS_REVOKED:
                result.status = .revoked
                result.revokedAt = Date(timeIntervalSince1970: TimeInterval(revoked))
            default: result.status = .unknown
            }
            return result
        }
        return nil
    }

    /// One check over the whole chain (leaf first, anchor last; the anchor itself is not checked).
    func check(chain: [Certificate], at time: Date, proofOfExistence: Bool, policy: RevocationPolicy) -> (Check, [RevocationStatus]) {
        guard policy != .skip else { return (.warning("revocation", "revocation was not checked (--revocation skip)"), []) }
        let statuses = zip(chain, chain.dropFirst()).map { status(of: $0, issuer: $1, at: time) }
        let at = VietnamTime.iso8601(time)
        if let revoked = statuses.first(where: { $0.status == .revoked && ($0.revokedAt ?? .distantPast) <= time }) {
            return (.failed("revocation", "\(revoked.certificate) was revoked on \(VietnamTime.iso8601(revoked.revokedAt ?? time)), before \(proofOfExistence ? "the time stamp" : "now") (\(at)); source: \(revoked.source ?? "")", .revoked), statuses)
        }
        if let unknown = statuses.first(where: { $0.status == .unknown }) {
            return (.failed("revocation", "the OCSP responder does not know \(unknown.certificate)", .tryLater), statuses)
        }
        if let unreachable = statuses.first(where: { $0.status == .unreachable }) {
            return (.failed("revocation", "no revocation status for \(unreachable.certificate): \(unreachable.source ?? "")", .tryLater), statuses)
        }
        if let missing = statuses.first(where: { $0.status == .missing }) {
            let detail = "no CRL or OCSP response covers \(missing.certificate) at \(at): put the CA's CRL in Certs/crl or pass --crl FILE"
            return (policy == .require ? .failed("revocation", detail, .tryLater) : .warning("revocation", detail), statuses)
        }
        let later = statuses.filter { $0.status == .revoked }
        let note = later.isEmpty ? "" : "; \(later.map(\.certificate).joined(separator: ", ")) revoked only after the time stamp, so the signature stands"
        return (.passed("revocation", "not revoked at \(at) (\(statuses.compactMap(\.source).joined(separator: "; ")))\(note)"), statuses)
    }
}
