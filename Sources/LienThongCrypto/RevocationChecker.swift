import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// Decides, from all the evidence in hand, whether each certificate of a chain was revoked at a
/// time: the proof-of-existence time a time stamp gives, else the validation time.
///
/// - Evidence counts only when authentic (RFC 5280 §6.3.3): a CRL signed by the certificate's
///   issuer, or by a certificate of the same name that may sign CRLs and has a valid path to the
///   same anchor (a separate CRL key, a CA key after rollover); an OCSP response that verifies.
///   A CRL with a critical extension this verifier cannot process is not used at all (§5.2, §5.3),
///   and one whose issuing distribution point leaves the certificate out does not speak of it.
/// - A revocation no later than the time, in any authentic evidence, wins over every "good":
///   evidence cannot be rolled back by adding an older CRL, and the order of files does not matter.
/// - "Not revoked" needs complete evidence fresh at the time: issued at or after it, or current at
///   it (ETSI EN 319 102-1 §5.2.5, with nextUpdate as the freshness bound). The freshest decides,
///   and the status says which it was and how fresh.
struct RevocationChecker {
    let evidence: RevocationEvidence
    let trust: TrustStore
    /// The path being checked, leaf first, anchor last.
    let chain: [Certificate]
    /// Other certificates at hand (a signature's, the configured intermediates): where a
    /// CRL-signing certificate other than the issuer may be found.
    var certificates: [Certificate] = []

    /// How many certificates of a CRL issuer's name are tried as its CRL-signing key.
    static let crlSignerCandidates = 4

    /// OCSP responses without a nextUpdate are taken as current this long after their thisUpdate.
    static let ocspWithoutNextUpdate: TimeInterval = 24 * 3600

    /// - Parameter crlKeys: whether CRLs signed by a CRL-signing key other than the issuer's count;
    ///   false when checking such a key itself, which must not vouch for itself.
    func status(
        of certificate: Certificate, issuer: Certificate, at time: Date, crlKeys: Bool = true
    ) -> RevocationStatus {
        var found = Findings(time: time)
        let blank = RevocationStatus(certificate: certificate.description, status: .missing)

        for crl in evidence.crls where crl.isNamed(by: issuer) || crl.isIndirectSource(for: certificate) {
            guard let signer = crlSigner(crl, issuer: issuer, at: time, crlKeys: crlKeys) else { continue }
            if let usage = signer.keyUsage, usage & UInt32(KU_CRL_SIGN) == 0 {
                found.defect(crl, issuer, "is signed by a certificate whose key usage lacks cRLSign (RFC 5280 6.3.3 f)")
                continue
            }
            if let reason = crl.unusableReason {
                found.defect(crl, issuer, "cannot be used: \(reason)")
                continue
            }
            guard crl.covers(certificate) else { continue }
            let entry = crl.revocation(of: certificate)
            let revokedAt = entry?.date
            let revokes = revokedAt.map { $0 <= time } ?? false
            if !revokes, let reason = crl.incompleteReason {
                found.defect(crl, issuer, "cannot show that \(certificate) was not revoked: \(reason)")
                continue
            }
            guard revokes || Self.isFresh(issued: crl.thisUpdate, next: crl.nextUpdate, at: time) else { continue }
            var status = blank
            status.status = entry == nil ? .good : entry?.onHold == true ? .suspended : .revoked
            status.revokedAt = revokedAt
            status.issuedAt = crl.thisUpdate
            status.nextUpdate = crl.nextUpdate
            status.source =
                (crl.isNamed(by: issuer)
                    ? "CRL of \(issuer)" + (signer == issuer ? "" : " signed by its CRL key \(signer)")
                    : "indirect CRL of \(signer), the CRL issuer \(certificate) names")
                + (crl.thisUpdate >= time
                    ? Self.freshness(issued: crl.thisUpdate, next: crl.nextUpdate, at: time)
                    : crl.datesText)
            found.keep(status)
        }

        for status in ocspStatuses(of: certificate, issuer: issuer, at: time) {
            switch status.status {
            case .revoked where (status.revokedAt ?? .distantPast) <= time: found.keep(status)
            case .good, .revoked:
                let next =
                    status.nextUpdate ?? status.issuedAt.map { $0.addingTimeInterval(Self.ocspWithoutNextUpdate) }
                if let issued = status.issuedAt, Self.isFresh(issued: issued, next: next, at: time) {
                    found.keep(status)
                }
            default: found.unknown = found.unknown ?? status
            }
        }

        if let revoked = found.revoked { return revoked }
        // A hold stands unless complete evidence issued after it, and by the time, lists the
        // certificate no more: a later clearance does not say whether it was lifted by then.
        if let held = found.held,
            (found.clearedBy?.issuedAt ?? .distantPast) <= (held.issuedAt ?? .distantFuture)
        {
            return held
        }
        if let status = found.cleared ?? found.unknown { return status }
        var result = blank
        if let defect = found.firstDefect {
            result.status = .unusable
            result.source = defect
        } else if let reason = evidence.unreachable[certificate.serialNumber] {
            result.status = .unreachable
            result.source = reason
        }
        return result
    }

    /// The earliest revocation, the latest hold, the freshest clearance (and the freshest one
    /// issued by the time), the first "unknown" and the first defect, kept as they come: a batch
    /// asks this thousands of times a second.
    private struct Findings {
        let time: Date
        var revoked: RevocationStatus?
        var held: RevocationStatus?
        var cleared: RevocationStatus?
        var clearedBy: RevocationStatus?
        var unknown: RevocationStatus?
        var firstDefect: String?

        mutating func keep(_ status: RevocationStatus) {
            let issued = status.issuedAt ?? .distantPast
            if status.status == .revoked, let date = status.revokedAt, date <= time {
                if date < (revoked?.revokedAt ?? .distantFuture) { revoked = status }
            } else if status.status == .suspended, let date = status.revokedAt, date <= time {
                if issued > (held?.issuedAt ?? .distantPast) || held == nil { held = status }
            } else {
                if cleared == nil || issued > (cleared?.issuedAt ?? .distantPast) { cleared = status }
                if issued <= time, status.status == .good, issued > (clearedBy?.issuedAt ?? .distantPast) {
                    clearedBy = status
                }
            }
        }

        mutating func defect(_ crl: RevocationList, _ issuer: Certificate, _ what: String) {
            if firstDefect == nil {
                firstDefect = "the CRL of \(issuer) issued \(VietnamTime.iso8601(crl.thisUpdate)) \(what)"
            }
        }
    }

    static func isFresh(issued: Date, next: Date?, at time: Date) -> Bool {
        issued >= time || (next.map { issued <= time && time <= $0 } ?? false)
    }

    private static func freshness(issued: Date, next: Date?, at time: Date) -> String {
        let hours = { (interval: TimeInterval) in
            interval < 7200 ? "\(Int(interval / 60)) min" : "\(Int(interval / 3600)) h"
        }
        if issued >= time {
            let after = hours(issued.timeIntervalSince(time))
            return ", issued \(VietnamTime.iso8601(issued)), \(after) after the time checked"
        }
        return RevocationList.datesText(issued: issued, next: next)
    }

    /// The certificate whose key signed `crl` for `issuer`'s certificates: the issuer itself, or a
    /// certificate of the CRL's issuer name on a valid path to the same anchor (RFC 5280 §6.3.3 f):
    /// the issuer's separate CRL key, or the authority of an indirect CRL.
    /// Only a certificate whose key identifier is the CRL's authority key identifier is tried, and
    /// at most a few: the certificates at hand may come from whoever sent the signature.
    /// Such a key must have been valid, on a path to the same anchor, when it signed the CRL, and
    /// not revoked then by its own issuer's CRLs, as RFC 5280 §6.3.3 f asks of the CRL issuer's path.
    private func crlSigner(_ crl: RevocationList, issuer: Certificate, at time: Date, crlKeys: Bool) -> Certificate? {
        if trust.cache.isIssued(crl, by: issuer) { return issuer }
        guard crlKeys, let anchor = chain.last else { return nil }
        let known = Array(Set(certificates + chain + trust.intermediates + trust.anchors))
        let candidates = known.filter { candidate in
            candidate != issuer && crl.isNamed(by: candidate)
                && (crl.authorityKeyID == nil || crl.authorityKeyID == candidate.subjectKeyID)
        }
        let signers = candidates.prefix(Self.crlSignerCandidates).filter { trust.cache.isIssued(crl, by: $0) }
        guard !signers.isEmpty else { return nil }
        return Certificate.withStack(known) { stack in
            signers.first { candidate in
                let (check, path) = trust.validatePath(
                    candidate, untrusted: stack, at: crl.thisUpdate, proofOfExistence: true)
                guard check.result == .passed, path.last == anchor, path.count > 1 else { return false }
                // A key revoked or on hold when it signed vouches for nobody; nor does one withdrawn by
                // the time checked, as the CRL's own date is the signer's word: a stolen key could
                // date a CRL before its revocation.
                return Set([crl.thisUpdate, max(time, crl.thisUpdate)]).allSatisfy { when in
                    let own = status(of: candidate, issuer: path[1], at: when, crlKeys: false)
                    let withdrawn = own.status == .revoked || own.status == .suspended
                    return !(withdrawn && (own.revokedAt ?? .distantPast) <= when)
                }
            }
        }
    }

    /// What each OCSP response that verifies says of `certificate`.
    private func ocspStatuses(of certificate: Certificate, issuer: Certificate, at time: Date) -> [RevocationStatus] {
        guard !evidence.ocspResponses.isEmpty else { return [] }
        return Certificate.withStack(certificates + chain + trust.intermediates) { stack in
            evidence.ocspResponses.compactMap { response in
                var revoked = time_t()
                var thisUpdate = time_t()
                var nextUpdate = time_t()
                let code = response.withUnsafeBytes { raw in
                    shim_ocsp_status(
                        raw.bindMemory(to: UInt8.self).baseAddress, raw.count, certificate.pointer, issuer.pointer,
                        trust.store, stack, &revoked, &thisUpdate, &nextUpdate)
                }
                ERR_clear_error()
                guard code >= 0 else { return nil }
                let issued = Date(timeIntervalSince1970: TimeInterval(thisUpdate))
                let next = nextUpdate > 0 ? Date(timeIntervalSince1970: TimeInterval(nextUpdate)) : nil
                var status = RevocationStatus(certificate: certificate.description, status: .unknown)
                status.source = "OCSP response for \(issuer)" + Self.freshness(issued: issued, next: next, at: time)
                status.issuedAt = issued
                status.nextUpdate = next
                switch code {
                case V_OCSP_CERTSTATUS_GOOD: status.status = .good
                case V_OCSP_CERTSTATUS_REVOKED:
                    status.status = .revoked
                    status.revokedAt = Date(timeIntervalSince1970: TimeInterval(revoked))
                default: break
                }
                return status
            }
        }
    }

    /// One check over the whole chain (leaf first, anchor last; the anchor itself is not checked).
    func check(at time: Date, proofOfExistence: Bool, policy: RevocationPolicy) -> (Check, [RevocationStatus]) {
        guard policy != .skip else {
            return (.warning(.revocation, "revocation was not checked (--revocation skip)"), [])
        }
        let statuses = zip(chain, chain.dropFirst()).map { status(of: $0, issuer: $1, at: time) }
        let at = VietnamTime.iso8601(time)
        if let revoked = statuses.first(where: { $0.status == .revoked && ($0.revokedAt ?? .distantPast) <= time }) {
            let before = proofOfExistence ? "the time stamp" : "the time checked"
            return (
                .failed(
                    .revocation,
                    "\(revoked.certificate) was revoked on \(VietnamTime.iso8601(revoked.revokedAt ?? time)), "
                        + "before \(before) (\(at)); source: \(revoked.source ?? "")", .revoked), statuses
            )
        }
        if let held = statuses.first(where: { $0.status == .suspended && ($0.revokedAt ?? .distantPast) <= time }) {
            let since = VietnamTime.iso8601(held.revokedAt ?? time)
            return (
                .failed(
                    .revocation,
                    "\(held.certificate) was suspended (certificateHold) on \(since), and no evidence issued between "
                        + "then and \(at) shows the hold lifted; source: \(held.source ?? "")", .tryLater), statuses
            )
        }
        if let unknown = statuses.first(where: { $0.status == .unknown }) {
            return (
                .failed(.revocation, "the OCSP responder does not know \(unknown.certificate)", .tryLater), statuses
            )
        }
        if let unusable = statuses.first(where: { $0.status == .unusable }) {
            return (
                .failed(
                    .revocation, "no usable revocation status for \(unusable.certificate): \(unusable.source ?? "")",
                    .tryLater),
                statuses
            )
        }
        if let unreachable = statuses.first(where: { $0.status == .unreachable }) {
            return (
                .failed(
                    .revocation, "no revocation status for \(unreachable.certificate): \(unreachable.source ?? "")",
                    .tryLater),
                statuses
            )
        }
        if let missing = statuses.first(where: { $0.status == .missing }) {
            let detail =
                "no CRL or OCSP response fresh at \(at) covers \(missing.certificate): "
                + "put the CA's CRL in Certs/crl or pass --crl FILE"
            return (
                policy == .require ? .failed(.revocation, detail, .tryLater) : .warning(.revocation, detail), statuses
            )
        }
        let later = statuses.filter { $0.status == .revoked || $0.status == .suspended }
            .map { "\($0.certificate) \($0.status == .suspended ? "suspended" : "revoked")" }
        let note =
            later.isEmpty ? "" : "; \(later.joined(separator: ", ")) only after the time stamp, so the signature stands"
        return (
            .passed(
                .revocation, "not revoked at \(at) (\(statuses.compactMap(\.source).joined(separator: "; ")))\(note)"),
            statuses
        )
    }
}
