import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// Verifies detached CMS signatures over files: each SignerInfo on its own (digest, signature,
/// certificate path, key usage, algorithm strength), then the rules for the set (a person's
/// signature and the agency's seal over it, for a document).
///
/// Every failure is reported as a check with its ETSI sub-indication instead of being thrown, so
/// that a clerk reads exactly which rule failed.
public struct SignatureVerifier: Sendable {
    public let trust: TrustStore

    /// The time at which certificates must be valid when no time stamp proves an earlier one; now when nil.
    public var validationTime: Date?

    /// CRLs and OCSP responses from outside the signature (files, or fetched online).
    public var evidence: RevocationEvidence

    public var revocationPolicy: RevocationPolicy

    /// How much one signature may ask of this verifier.
    public var limits = VerificationLimits.standard

    public init(
        trust: TrustStore, validationTime: Date? = nil, evidence: RevocationEvidence = RevocationEvidence(),
        revocationPolicy: RevocationPolicy = .require
    ) {
        self.trust = trust
        self.validationTime = validationTime
        self.evidence = evidence
        self.revocationPolicy = revocationPolicy
    }

    /// Verifies `signature` (DER or PEM CMS) over the file at `content`.
    public func verify(
        content: URL, signature: Data, name: String? = nil, expecting expectation: SignatureExpectation
    ) -> FileReport {
        verify(.file(content), signature: signature, name: name, expecting: expectation)
    }

    /// Verifies `signature` (DER or PEM CMS) over `content`: a file, or the byte ranges a PDF signature covers.
    public func verify(
        _ content: SignedContent, signature: Data, name: String? = nil, expecting expectation: SignatureExpectation
    ) -> FileReport {
        var report = FileReport(
            name: name ?? content.name, sha256: nil, expectation: expectation,
            signatures: [], checks: [], verdict: .passed
        )
        defer { ERR_clear_error() }
        guard let der = isPEM(signature) ? Self.der(fromPEM: signature) : signature else {
            report.add(
                .failed(.signatureFormat, "the signature is PEM but holds no CMS or PKCS7 block", .formatFailure))
            return report
        }
        if let extra = SignedDataLayout.trailingBytes(der) {
            report.add(
                .failed(
                    .signatureFormat,
                    "the signature has \(extra) bytes after its CMS structure: it was changed or joined to something else",
                    .formatFailure))
            return report
        }
        if der.count > limits.signatureBytes {
            report.add(
                .failed(
                    .signatureFormat,
                    "the signature is \(der.count) bytes, more than the \(limits.signatureBytes) "
                        + "a document's signature may take", .formatFailure))
            return report
        }
        let layout: SignedDataLayout?
        do {
            layout = try SignedDataLayout.read(der)
        } catch {
            report.add(.failed(.signatureFormat, error.reason, .formatFailure))
            return report
        }
        guard let (cms, certificates) = parseWithCachedCertificates(der) else {
            report.add(.failed(.signatureFormat, "the signature is not CMS SignedData in DER or PEM", .formatFailure))
            return report
        }
        defer { CMS_ContentInfo_free(cms) }
        guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed,
            let infos = CMS_get0_SignerInfos(cms), shim_sk_CMS_SignerInfo_num(infos) > 0,
            layout.map({ $0.signedAttributes.count == shim_sk_CMS_SignerInfo_num(infos) }) ?? true
        else {
            report.add(
                .failed(.signatureFormat, "the CMS structure holds no signature (no SignerInfo)", .formatFailure))
            return report
        }
        guard CMS_is_detached(cms) == 1 else {
            report.add(
                .failed(
                    .signatureFormat,
                    "the signature embeds its own content; LienThong verifies detached signatures over the file",
                    .formatFailure))
            return report
        }
        // The limits on what OpenSSL parsed, DER or BER, before any cryptography.
        if let violation = limits.violation(signerInfos: infos, certificates: certificates.count) {
            report.add(.failed(.signatureFormat, violation, .formatFailure))
            return report
        }

        let untrusted = makeUntrustedStack(certificates)
        defer { shim_sk_X509_pop_free(untrusted) }
        CMS_set1_signers_certs(cms, untrusted, 0)

        let digests: [DigestAlgorithm: [UInt8]]
        do {
            digests = try Self.digestContent(
                content,
                for: (0..<shim_sk_CMS_SignerInfo_num(infos)).compactMap {
                    Self.digestAlgorithm(of: shim_sk_CMS_SignerInfo_value(infos, $0))
                })
        } catch {
            report.add(.failed(.contentReadable, "\(error)", .formatFailure))
            return report
        }
        report.sha256 = digests[.sha256]?.hexString

        var signatureHashes: [[UInt8]] = []
        for index in 0..<shim_sk_CMS_SignerInfo_num(infos) {
            let info = shim_sk_CMS_SignerInfo_value(infos, index)!
            let signedAttributes = layout?.signedAttributes[Int(index)].map {
                der[der.startIndex + $0.lowerBound..<der.startIndex + $0.upperBound]
            }
            report.signatures.append(
                verifySignerInfo(
                    info, contentType: CMS_get0_eContentType(cms), digests: digests, untrusted: untrusted,
                    embedded: certificates, signedAttributes: signedAttributes))
            signatureHashes.append(CMS_SignerInfo_get0_signature(info).map { Digest.sha256Bytes(Data(asn1: $0)) } ?? [])
        }
        report.checks += setChecks(report.signatures, infos: infos, signatureHashes: signatureHashes, expectation)
        report.isDocumentIdentity = OBJ_cmp(CMS_get0_eContentType(cms), DocumentBinding.identityContentType) == 0
        let (binding, documentID) = Self.documentBinding(of: infos)
        if let binding { report.checks.append(binding) }
        report.documentID = documentID
        report.conclude()
        return report
    }

    /// Why `signature` (PEM or DER) asks more than `limits` allow, or nil: for callers that
    /// refuse such a signature before spending anything on it.
    public func limitViolation(in signature: Data) -> String? {
        (isPEM(signature) ? Self.der(fromPEM: signature) : signature).flatMap(limits.violation(in:))
    }

    /// The certificate path of every SignerInfo in `signature`, leaf first, as built today; for
    /// collecting revocation evidence before verifying or embedding it.
    public func chains(of signature: Data) -> [[Certificate]] {
        guard let (cms, certificates) = parseWithCachedCertificates(signature), let infos = CMS_get0_SignerInfos(cms)
        else { return [] }
        defer { CMS_ContentInfo_free(cms) }
        let untrusted = makeUntrustedStack(certificates)
        defer { shim_sk_X509_pop_free(untrusted) }
        CMS_set1_signers_certs(cms, untrusted, 0)
        defer { ERR_clear_error() }
        return (0..<shim_sk_CMS_SignerInfo_num(infos)).compactMap { index in
            var x509: OpaquePointer?
            CMS_SignerInfo_get0_algs(shim_sk_CMS_SignerInfo_value(infos, index), nil, &x509, nil, nil)
            guard let x509 else { return nil }
            let (check, chain) = trust.validatePath(
                Certificate(borrowing: x509), untrusted: untrusted, at: Date(), proofOfExistence: false)
            return check.result == .passed ? chain : nil
        }
    }
}
