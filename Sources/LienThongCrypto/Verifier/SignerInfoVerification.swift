import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// One SignerInfo on its own: its digest and signature value, its certificate's purpose and path, the
/// strength of its algorithms, its time stamp and the revocation status of its path.
extension SignatureVerifier {
    /// `signedAttributes` is the SignerInfo's [0] element as received, when the signature is DER.
    func verifySignerInfo(
        _ info: OpaquePointer, contentType: OpaquePointer?, digests: [DigestAlgorithm: [UInt8]],
        untrusted: OpaquePointer,
        embedded: [Certificate], signedAttributes: Data?
    ) -> SignatureReport {
        var publicKey: OpaquePointer?
        var x509: OpaquePointer?
        var digestAlgorithm: UnsafeMutablePointer<X509_ALGOR>?
        var signatureAlgorithm: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(info, &publicKey, &x509, &digestAlgorithm, &signatureAlgorithm)
        var claimed = time_t()
        var report = SignatureReport(
            role: nil, commonName: nil, organization: nil, subject: "", issuer: "", serialNumber: "", validFrom: nil,
            validUntil: nil,
            digestAlgorithm: Self.algorithmName(digestAlgorithm),
            signatureAlgorithm: Self.algorithmName(signatureAlgorithm),
            claimedSigningTime: shim_cms_signed_time(info, NID_pkcs9_signingTime, &claimed) == 1
                ? Date(timeIntervalSince1970: TimeInterval(claimed)) : nil,
            timeStampedAt: nil, timeStampAuthority: nil, validatedAt: nil,
            chain: [], revocation: [], checks: [], verdict: .passed
        )
        guard let x509 else {
            report.checks.append(
                .failed(
                    .signingCertificate,
                    "the certificate that made this signature is neither in the signature nor among the configured intermediates",
                    .noSigningCertificateFound))
            report.verdict = Verdict(checks: report.checks)
            return report
        }
        let certificate = embedded.first { $0.pointer == x509 } ?? Certificate(borrowing: x509)
        report.role = certificate.role
        report.commonName = certificate.commonName
        report.organization = certificate.organization
        report.subject = certificate.subject
        report.issuer = certificate.issuer
        report.serialNumber = certificate.serialNumber
        report.validFrom = certificate.notBefore
        report.validUntil = certificate.notAfter

        let digest = Self.digestAlgorithm(digestAlgorithm)
        var checks: [Check] = []
        checks.append(Self.messageDigestCheck(info, digest, digests, report.digestAlgorithm))
        // RFC 5652 11.1: the signed content-type must be the content's; eContentType itself is not signed.
        if let signed = CMS_signed_get0_data_by_OBJ(info, OBJ_nid2obj(NID_pkcs9_contentType), -3, V_ASN1_OBJECT),
            OBJ_cmp(OpaquePointer(signed), contentType) != 0
        {
            checks.append(
                .failed(
                    .contentType,
                    "the signed content type differs from the content type the signature declares: the signature was changed",
                    .formatFailure))
        }
        checks.append(
            Self.signatureValueCheck(
                info, key: publicKey, digest: digest, algorithm: signatureAlgorithm,
                signedAttributes: signedAttributes, report.signatureAlgorithm))
        checks.append(algorithmStrength(digest: digestAlgorithm, key: publicKey, report.digestAlgorithm))
        if let check = Self.signingCertificateCheck(info, certificate) { checks.append(check) }
        checks +=
            report.role.map { CertificatePurpose(rawValue: $0.rawValue)!.checks(certificate) }
            ?? CertificatePurpose.documentSigningChecks(certificate)
        // The CRLs and OCSP responses kept in the signature, with those from outside: for the
        // time-stamping authority's certificate and for the signer's chain alike.
        guard
            let embeddedEvidence = RevocationEvidence.embedded(
                in: info, cache: trust.cache, limit: limits.revocationValues)
        else {
            report.checks =
                checks + [
                    .failed(
                        .revocationValues,
                        "the signature keeps more than \(limits.revocationValues) CRLs "
                            + "and OCSP responses: a document's chain needs a few", .formatFailure)
                ]
            report.verdict = Verdict(checks: report.checks)
            return report
        }
        let revocationEvidence = embeddedEvidence + evidence
        if let (check, stamp) = verifyTimeStamp(info, untrusted: untrusted, evidence: revocationEvidence) {
            checks.append(check)
            if let stamp {
                report.timeStampedAt = stamp.time
                report.timeStampAuthority = stamp.authority
                if let claimed = report.claimedSigningTime, abs(claimed.timeIntervalSince(stamp.time)) > 15 * 60 {
                    checks.append(
                        .warning(
                            .signingTime,
                            "the signing-time the signer's software wrote differs from the time stamp by \(Int(abs(claimed.timeIntervalSince(stamp.time)) / 60)) minutes (some tools write local time as if it were UTC); the time stamp is trusted"
                        ))
                }
            }
        }
        let at = report.timeStampedAt ?? validationTime ?? Date()
        report.validatedAt = at
        let (chainCheck, chain) = trust.validatePath(
            certificate, untrusted: untrusted, at: at, proofOfExistence: report.timeStampedAt != nil)
        checks.append(chainCheck)
        report.chain = chain.map(\.subject)
        if chainCheck.result == .passed {
            let (check, statuses) = revocationEvidence.check(
                chain: chain, trust: trust, at: at, policy: revocationPolicy,
                proofOfExistence: report.timeStampedAt != nil, certificates: embedded)
            checks.append(check)
            report.revocation = statuses
        }
        report.checks = checks
        report.verdict = Verdict(checks: checks)
        return report
    }
}
