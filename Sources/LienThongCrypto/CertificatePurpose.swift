import CLienThongCrypto
import COpenSSL
import Foundation

/// What a certificate must be fit for in its role: a person's signature, an agency seal, a TSA.
public enum CertificatePurpose: String, Sendable, Codable, CaseIterable {
    case signer, seal, tsa, any

    /// emailProtection (S/MIME), documentSigning (RFC 9336), Microsoft and Adobe document signing.
    static let documentSigningUsages = [
        "1.3.6.1.5.5.7.3.4", "1.3.6.1.5.5.7.3.36", "1.3.6.1.4.1.311.10.3.12", "1.2.840.113583.1.1.5",
    ]

    static func permitsDocumentSigning(_ certificate: OpaquePointer) -> Int32 {
        let texts = documentSigningUsages.map { strdup($0) }
        defer { for text in texts { free(text) } }
        var pointers = texts.map { UnsafePointer($0) }
        return shim_x509_eku_permits(certificate, &pointers, Int32(pointers.count))
    }

    /// Key usage, extended key usage and policy checks for this purpose; none for `any`, which
    /// asks only for a valid, unrevoked path.
    func checks(_ certificate: Certificate) -> [Check] {
        switch self {
        case .any: return []
        case .tsa: return Self.usageChecks(certificate, timeStamping: true)
        case .signer, .seal:
            let role = CertificateRole(rawValue: rawValue)!
            return Self.usageChecks(certificate, timeStamping: false) + [
                certificate.role == role
                    ? .passed(.certificateRole, "issued for \(role.vietnameseName)")
                    : .failed(
                        .certificateRole,
                        "the certificate of \(certificate) is not issued for \(role.vietnameseName) "
                            + "(certificate policy \(role.policyOID) missing)",
                        .chainConstraintsFailure)
            ]
        }
    }

    /// What a certificate that signs a document must allow, whatever its role.
    static func documentSigningChecks(_ certificate: Certificate) -> [Check] {
        usageChecks(certificate, timeStamping: false)
    }

    private static func usageChecks(_ certificate: Certificate, timeStamping: Bool) -> [Check] {
        var checks: [Check] = []
        let signing = UInt32(KU_DIGITAL_SIGNATURE | KU_NON_REPUDIATION)
        if let usage = certificate.keyUsage, usage & signing == 0 {
            checks.append(
                .failed(
                    .keyUsage,
                    "the certificate of \(certificate) is not issued for signing "
                        + "(key usage lacks digitalSignature and nonRepudiation)",
                    .chainConstraintsFailure))
        } else {
            checks.append(.passed(.keyUsage, "issued for signing"))
        }
        if timeStamping {
            checks.append(
                X509_check_purpose(certificate.pointer, X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1
                    ? .passed(.extendedKeyUsage, "a time-stamping authority (critical timeStamping EKU)")
                    : .failed(
                        .extendedKeyUsage,
                        "the certificate of \(certificate) is not a time-stamping authority's: "
                            + "RFC 3161 needs the critical timeStamping EKU",
                        .chainConstraintsFailure))
        } else {
            checks.append(
                certificate.documentSigningUsage == 0
                    ? .failed(
                        .extendedKeyUsage,
                        "the extended key usage of \(certificate)'s certificate does not allow signing documents",
                        .chainConstraintsFailure)
                    : .passed(.extendedKeyUsage, "allows signing documents"))
        }
        return checks
    }
}

/// The result of validating one certificate on its own (`lienthong cert verify`).
public struct CertificateReport: Sendable, Codable {
    public var subject: String
    public var issuer: String
    public var serialNumber: String
    public var validFrom: Date
    public var validUntil: Date
    public var role: CertificateRole?
    public var purpose: CertificatePurpose
    public var validatedAt: Date
    public var chain: [String]
    public var revocation: [RevocationStatus]
    public var checks: [Check]
    public var verdict: Verdict
}

extension TrustStore {
    /// Validates one certificate: its path to an anchor at `time`, its fitness for `purpose`, and
    /// the revocation status of each certificate on the path from `evidence`.
    public func validate(
        _ certificate: Certificate, untrusted: [Certificate] = [], at time: Date = Date(),
        purpose: CertificatePurpose = .any, evidence: RevocationEvidence = RevocationEvidence(),
        revocationPolicy: RevocationPolicy = .require
    ) -> CertificateReport {
        var checks = purpose.checks(certificate)
        let (pathCheck, chain) = Certificate.withStack(untrusted + intermediates) {
            validatePath(certificate, untrusted: $0, at: time, proofOfExistence: true)
        }
        checks.append(pathCheck)
        var revocation: [RevocationStatus] = []
        if pathCheck.result == .passed {
            let (check, statuses) = evidence.check(chain: chain, trust: self, at: time, policy: revocationPolicy)
            checks.append(check)
            revocation = statuses
        }
        return CertificateReport(
            subject: certificate.subject, issuer: certificate.issuer, serialNumber: certificate.serialNumber,
            validFrom: certificate.notBefore, validUntil: certificate.notAfter, role: certificate.role,
            purpose: purpose, validatedAt: time, chain: chain.map(\.subject), revocation: revocation,
            checks: checks, verdict: Verdict(checks: checks))
    }
}
