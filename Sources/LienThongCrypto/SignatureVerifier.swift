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
        var report = FileReport(
            name: name ?? content.lastPathComponent, sha256: nil, expectation: expectation,
            signatures: [], checks: [], verdict: .passed
        )
        defer { ERR_clear_error() }
        guard let der = isPEM(signature) ? Self.der(fromPEM: signature) : signature else {
            report.add(
                .failed("signature-format", "the signature is PEM but holds no CMS or PKCS7 block", .formatFailure))
            return report
        }
        if let extra = SignedDataLayout.trailingBytes(der) {
            report.add(
                .failed(
                    "signature-format",
                    "the signature has \(extra) bytes after its CMS structure: it was changed or joined to something else",
                    .formatFailure))
            return report
        }
        if der.count > limits.signatureBytes {
            report.add(
                .failed(
                    "signature-format",
                    "the signature is \(der.count) bytes, more than the \(limits.signatureBytes) "
                        + "a document's signature may take", .formatFailure))
            return report
        }
        let layout: SignedDataLayout?
        do {
            layout = try SignedDataLayout.read(der)
        } catch {
            report.add(.failed("signature-format", error.reason, .formatFailure))
            return report
        }
        guard let (cms, certificates) = parseWithCachedCertificates(der) else {
            report.add(.failed("signature-format", "the signature is not CMS SignedData in DER or PEM", .formatFailure))
            return report
        }
        defer { CMS_ContentInfo_free(cms) }
        guard OBJ_obj2nid(CMS_get0_type(cms)) == NID_pkcs7_signed,
            let infos = CMS_get0_SignerInfos(cms), shim_sk_CMS_SignerInfo_num(infos) > 0,
            layout.map({ $0.signedAttributes.count == shim_sk_CMS_SignerInfo_num(infos) }) ?? true
        else {
            report.add(
                .failed("signature-format", "the CMS structure holds no signature (no SignerInfo)", .formatFailure))
            return report
        }
        guard CMS_is_detached(cms) == 1 else {
            report.add(
                .failed(
                    "signature-format",
                    "the signature embeds its own content; LienThong verifies detached signatures over the file",
                    .formatFailure))
            return report
        }
        // The limits on what OpenSSL parsed, DER or BER, before any cryptography.
        if let violation = limits.violation(signerInfos: infos, certificates: certificates.count) {
            report.add(.failed("signature-format", violation, .formatFailure))
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
            report.add(.failed("content-readable", "\(error)", .formatFailure))
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
        let bindings = (0..<shim_sk_CMS_SignerInfo_num(infos)).map { index -> UnsafeBufferPointer<UInt8>? in
            var bytes: UnsafePointer<UInt8>?
            let length = shim_cms_signed_octets(
                shim_sk_CMS_SignerInfo_value(infos, index), DocumentBinding.documentAttribute, &bytes)
            return length < 0 || bytes == nil ? nil : UnsafeBufferPointer(start: bytes, count: Int(length))
        }
        let text = { (binding: UnsafeBufferPointer<UInt8>?) in binding.map { String(decoding: $0, as: UTF8.self) } }
        if bindings.dropFirst().contains(where: {
            ($0 == nil) != (bindings[0] == nil) || $0.map { !$0.elementsEqual(bindings[0]!) } == true
        }) {
            report.checks.append(
                .failed(
                    "document-binding",
                    "the signatures over this file name different documents "
                        + "(\(bindings.map { text($0) ?? "none" }.joined(separator: ", "))): they were put together from two documents",
                    .sigConstraintsFailure))
        }
        report.documentID = text(bindings[0])
        report.conclude()
        return report
    }

    /// Why `signature` (PEM or DER) asks more than `limits` allow, or nil: for callers that
    /// refuse such a signature before spending anything on it.
    public func limitViolation(in signature: Data) -> String? {
        (isPEM(signature) ? Self.der(fromPEM: signature) : signature).flatMap(limits.violation(in:))
    }

    // MARK: - One SignerInfo

    /// `signedAttributes` is the SignerInfo's [0] element as received, when the signature is DER.
    private func verifySignerInfo(
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
                    "signing-certificate",
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
                    "content-type",
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
                        "revocation-values",
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
                            "signing-time",
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

    private static let strongDigests: Set<Int32> = [
        NID_sha256, NID_sha384, NID_sha512, NID_sha3_256, NID_sha3_384, NID_sha3_512,
    ]

    private func algorithmStrength(
        digest: UnsafeMutablePointer<X509_ALGOR>?, key: OpaquePointer?, _ digestName: String
    ) -> Check {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, digest)
        guard Self.strongDigests.contains(OBJ_obj2nid(object)) else {
            return .failed(
                "algorithm-strength",
                "digest \(digestName) is weaker than SHA-256, which Circular 15/2025/TT-BKHCN requires",
                .cryptoConstraintsFailure)
        }
        guard let key else { return .passed("algorithm-strength", digestName) }
        let bits = EVP_PKEY_get_bits(key)
        let minimum: Int32 = EVP_PKEY_get_base_id(key) == EVP_PKEY_EC ? 256 : 2048
        guard bits >= minimum else {
            return .failed(
                "algorithm-strength",
                "a \(bits)-bit key is below the \(minimum) bits Circular 15/2025/TT-BKHCN requires",
                .cryptoConstraintsFailure)
        }
        return .passed("algorithm-strength", "\(bits)-bit key, \(digestName)")
    }

    /// The first time stamp over the signature value, verified against the trust anchors;
    /// nil when the signature carries none.
    private func verifyTimeStamp(
        _ info: OpaquePointer, untrusted: OpaquePointer, evidence: RevocationEvidence
    ) -> (Check, (time: Date, authority: String)?)? {
        var token: UnsafePointer<UInt8>?
        let length = shim_cms_unsigned_sequence(info, NID_id_smime_aa_timeStampToken, 0, &token)
        guard length > 0, let token, let signature = CMS_SignerInfo_get0_signature(info) else {
            // Present but unreadable is not the same as absent: it must not pass for a signature without one.
            guard CMS_unsigned_get_attr_by_NID(info, NID_id_smime_aa_timeStampToken, -1) < 0 else {
                return (.failed("time-stamp", "the time stamp attribute is not an RFC 3161 token", .formatFailure), nil)
            }
            return nil
        }
        // The token is CMS SignedData too: its TSA certificates come from the cache as well.
        var der = Data(bytes: token, count: Int(length))
        let stack = shim_sk_X509_new_null()!
        defer { shim_sk_X509_pop_free(stack) }
        var authorities: [Certificate] = []
        if let (stripped, parsed) = cuttingCertificates(der) {
            der = stripped
            for certificate in parsed { shim_sk_X509_push_up_ref(stack, certificate.pointer) }
            authorities = parsed.filter { X509_check_purpose($0.pointer, X509_PURPOSE_TIMESTAMP_SIGN, 0) == 1 }
        }
        for index in 0..<shim_sk_X509_num(untrusted) {
            shim_sk_X509_push_up_ref(stack, shim_sk_X509_value(untrusted, index))
        }
        // A TSA whose path holds today is trusted as itself; any other token meets the full store.
        var store = trust.store
        var authorityStore: VerificationCache.StoreBox?
        var authorityChain: [Certificate] = []
        if authorities.count == 1 {
            let (check, chain) = trust.validatePath(
                authorities[0], untrusted: stack, at: Date(), proofOfExistence: true)
            if check.result == .passed {
                authorityStore = trust.cache.authorityStore(for: authorities[0])
                store = authorityStore?.store ?? store
                authorityChain = chain
            }
        }
        // Given its issuers too, OpenSSL would build past the trusted TSA and check the CA's
        // signature on it again for every token: a tenth of a time-stamped batch.
        let tokenCertificates = authorityStore == nil ? stack : shim_sk_X509_new_null()!
        defer { if tokenCertificates != stack { shim_sk_X509_pop_free(tokenCertificates) } }
        if tokenCertificates != stack { shim_sk_X509_push_up_ref(tokenCertificates, authorities[0].pointer) }
        var genTime = time_t()
        var signer: OpaquePointer?
        let result = withExtendedLifetime(authorityStore) {
            der.withUnsafeBytes { raw in
                shim_ts_verify(
                    raw.bindMemory(to: UInt8.self).baseAddress, raw.count, store, tokenCertificates,
                    ASN1_STRING_get0_data(signature), ASN1_STRING_length(signature), &genTime, &signer)
            }
        }
        let reasons = CryptoError.drain("").reasons.joined(separator: "; ")
        let authority =
            signer.map { pointer in
                authorities.first { $0.pointer == pointer }.map {
                    X509_free(pointer)
                    return $0
                }
                    ?? Certificate(owning: pointer)
            }?.description ?? "an unknown authority"
        let time = Date(timeIntervalSince1970: TimeInterval(genTime))
        switch result {
        case 1:
            let stamped = "time-stamped \(VietnamTime.iso8601(time)) by \(authority) (RFC 3161)"
            guard !authorityChain.isEmpty, revocationPolicy != .skip else {
                return (.passed("time-stamp", stamped), (time, authority))
            }
            // The authority's certificate must not have been revoked when it stamped; a time stamp
            // whose certificate was revoked before then proves nothing.
            let (revocation, _) = evidence.check(
                chain: authorityChain, trust: trust, at: time, policy: .require,
                proofOfExistence: true)
            switch (revocation.result, revocation.subIndication) {
            case (.passed, _):
                return (
                    .passed("time-stamp", "\(stamped); the authority's certificate \(revocation.detail)"),
                    (time, authority)
                )
            case (.failed, .revoked?):
                return (
                    .failed(
                        "time-stamp", "the time stamp by \(authority) proves no time: \(revocation.detail)", .revoked),
                    nil
                )
            default:
                return (
                    .warning(
                        "time-stamp",
                        "\(stamped); the authority's own revocation status is unknown: \(revocation.detail)"),
                    (time, authority)
                )
            }
        case 0:
            return (
                .failed(
                    "time-stamp", "the time stamp by \(authority) was not made over this signature", .sigCryptoFailure),
                nil
            )
        case 2:
            return (
                .failed(
                    "time-stamp",
                    "the time stamp by \(authority) is not trusted, so it proves no time: \(reasons.isEmpty ? "its signature or certificate path fails" : reasons)",
                    .noCertificateChainFound), nil
            )
        default:
            return (.failed("time-stamp", "the time stamp attribute is not an RFC 3161 token", .formatFailure), nil)
        }
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

    // MARK: - The set of signatures

    private func setChecks(
        _ signatures: [SignatureReport], infos: OpaquePointer, signatureHashes: [[UInt8]],
        _ expectation: SignatureExpectation
    ) -> [Check] {
        var checks: [Check] = []
        let signers = signatures.indices.filter { signatures[$0].role == .signer }
        let seals = signatures.indices.filter { signatures[$0].role == .seal }

        for seal in seals {
            let info = shim_sk_CMS_SignerInfo_value(infos, Int32(seal))
            var bytes: UnsafePointer<UInt8>?
            let length = shim_cms_signed_octets(info, SealBinding.object, &bytes)
            let who = signatures[seal].commonName ?? signatures[seal].subject
            if length < 0 {
                if !signers.isEmpty {
                    checks.append(
                        .warning(
                            "seal-binding",
                            "the seal of \(who) does not say which signature it was applied over, so the order signer-then-seal cannot be proven"
                        ))
                }
                continue
            }
            let bound = Array(UnsafeBufferPointer(start: bytes, count: Int(length)))
            if let match = signers.first(where: { signatureHashes[$0] == bound }) {
                checks.append(
                    .passed(
                        "seal-binding",
                        "the seal of \(who) was applied over the signature of \(signatures[match].commonName ?? signatures[match].subject)"
                    ))
            } else {
                checks.append(
                    .failed(
                        "seal-binding",
                        "the seal of \(who) was applied over a different signature than the one in this file: it cannot be lifted onto another person's signature",
                        .sigConstraintsFailure))
            }
        }

        switch expectation {
        case .document:
            checks.append(
                signers.isEmpty
                    ? .failed(
                        "signer-signature-present",
                        "no signature of a competent person (certificate for a person's signature); a document needs one before the agency's seal",
                        .sigConstraintsFailure)
                    : .passed(
                        "signer-signature-present",
                        "signed by \(signers.map { signatures[$0].commonName ?? "" }.joined(separator: ", "))"))
            checks.append(sealPresence(signatures, seals))
        case .attachment:
            checks.append(sealPresence(signatures, seals))
        case .any:
            break
        }
        return checks
    }

    private func sealPresence(_ signatures: [SignatureReport], _ seals: [Int]) -> Check {
        seals.isEmpty
            ? .failed(
                "agency-seal-present",
                "the agency's digital seal is missing: the document must be sealed with the agency's certificate after it is signed",
                .sigConstraintsFailure)
            : .passed(
                "agency-seal-present",
                "sealed by \(seals.map { signatures[$0].commonName ?? "" }.joined(separator: ", "))")
    }

    // MARK: - Helpers

    /// Intermediates from the signature and from the configuration, for path building.
    private func makeUntrustedStack(_ embedded: [Certificate]) -> OpaquePointer {
        let stack = shim_sk_X509_new_null()!
        for certificate in embedded + trust.intermediates { shim_sk_X509_push_up_ref(stack, certificate.pointer) }
        return stack
    }

    /// Parses a signature whose certificates come from the store's cache: the `certificates`
    /// field is cut out of the DER before OpenSSL sees it, so each distinct certificate is decoded
    /// once per process. Anything unusual (PEM, attribute certificates) is parsed as it is.
    func parseWithCachedCertificates(_ signature: Data) -> (OpaquePointer, [Certificate])? {
        if let (stripped, certificates) = cuttingCertificates(signature), let cms = Self.parse(stripped) {
            return (cms, certificates)
        }
        guard let cms = Self.parse(signature) else { return nil }
        var embedded: [Certificate] = []
        if let stack = CMS_get1_certs(cms) {
            embedded = (0..<shim_sk_X509_num(stack)).map { Certificate(borrowing: shim_sk_X509_value(stack, $0)) }
            shim_sk_X509_pop_free(stack)
        }
        return (cms, embedded)
    }

    /// ContentInfo { contentType, [0] SignedData { …, [0] certificates, … } } without its
    /// certificates, and those certificates from the cache; nil when the signature is not shaped so.
    func cuttingCertificates(_ der: Data) -> (Data, [Certificate])? {
        der.withUnsafeBytes { bytes -> (Data, [Certificate])? in
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1, top[0].tag == 0x30,
                let contentInfo = DER.scan(bytes, top[0].content), contentInfo.count == 2, contentInfo[1].tag == 0xA0,
                let wrapped = DER.scan(bytes, contentInfo[1].content), wrapped.count == 1, wrapped[0].tag == 0x30,
                let fields = DER.scan(bytes, wrapped[0].content),
                let field = fields.first(where: { $0.tag == 0xA0 }),
                let certificates = trust.cache.certificates(
                    field: UnsafeRawBufferPointer(rebasing: bytes[field.content]),
                    elements: {
                        guard let elements = DER.scan(bytes, field.content), elements.allSatisfy({ $0.tag == 0x30 })
                        else { return nil }
                        return elements.map { Data(bytes[$0.whole]) }
                    })
            else { return nil }
            // The same SignedData with the certificates field cut out, re-wrapped with fresh lengths.
            let inner = wrapped[0].content.count - field.whole.count
            let sequence = DER.headerLength(inner) + inner
            let outer = contentInfo[0].whole.count + DER.headerLength(sequence) + sequence
            var rebuilt = Data(capacity: DER.headerLength(outer) + outer)
            rebuilt.append(contentsOf: DER.header(tag: 0x30, length: outer))
            rebuilt.append(contentsOf: bytes[contentInfo[0].whole])
            rebuilt.append(contentsOf: DER.header(tag: 0xA0, length: sequence))
            rebuilt.append(contentsOf: DER.header(tag: 0x30, length: inner))
            rebuilt.append(contentsOf: bytes[wrapped[0].content.lowerBound..<field.whole.lowerBound])
            rebuilt.append(contentsOf: bytes[field.whole.upperBound..<wrapped[0].content.upperBound])
            return (rebuilt, certificates)
        }
    }

    /// The file's digest with each algorithm the SignerInfos name, and SHA-256 for the report,
    /// reading the file once so that a large document is read and hashed in one pass.
    private static func digestContent(
        _ content: URL, for algorithms: [DigestAlgorithm]
    ) throws -> [DigestAlgorithm: [UInt8]] {
        do {
            return try Digest.bytes(of: content, algorithms + [.sha256])
        } catch {
            throw CryptoError("opening \(content.lastPathComponent)")
        }
    }

    private static func digestAlgorithm(of info: OpaquePointer) -> DigestAlgorithm? {
        var digest: UnsafeMutablePointer<X509_ALGOR>?
        CMS_SignerInfo_get0_algs(info, nil, nil, &digest, nil)
        return digestAlgorithm(digest)
    }

    private static func digestAlgorithm(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?) -> DigestAlgorithm? {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        return DigestAlgorithm(nid: OBJ_obj2nid(object))
    }

    /// The message-digest the signer signed against the file's digest with the same algorithm.
    private static func messageDigestCheck(
        _ info: OpaquePointer, _ algorithm: DigestAlgorithm?, _ digests: [DigestAlgorithm: [UInt8]],
        _ name: String
    ) -> Check {
        guard let algorithm, let digest = digests[algorithm] else {
            return .failed(
                "message-digest",
                "the file cannot be compared with what was signed: LienThong does not compute \(name) digests",
                .cryptoConstraintsFailure)
        }
        guard
            let signed = CMS_signed_get0_data_by_OBJ(
                info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)
        else {
            return .failed(
                "message-digest",
                "the signed attributes hold no message-digest, so nothing ties the signature to a file", .formatFailure)
        }
        return Data(asn1: signed.assumingMemoryBound(to: ASN1_STRING.self)).elementsEqual(digest)
            ? .passed("message-digest", "the file is exactly the one that was signed")
            : .failed(
                "message-digest", "the file was changed after it was signed (its \(name) digest does not match)",
                .hashFailure)
    }

    /// The ESS signing-certificate-v2 attribute, when present, must name the certificate that made
    /// the signature: otherwise another certificate with the same key was put in its place.
    static func signingCertificateCheck(_ info: OpaquePointer, _ certificate: Certificate) -> Check? {
        guard
            let value = CMS_signed_get0_data_by_OBJ(
                info, OBJ_nid2obj(NID_id_smime_aa_signingCertificateV2), -3, V_ASN1_SEQUENCE)
        else {
            return nil
        }
        let attribute = Data(asn1: value.assumingMemoryBound(to: ASN1_STRING.self))
        // SigningCertificateV2 { certs SEQUENCE OF ESSCertIDv2 { hashAlgorithm DEFAULT sha256, certHash, … }, … }
        let named: (algorithm: DigestAlgorithm?, hash: [UInt8])? = attribute.withUnsafeBytes { bytes in
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1,
                let certs = DER.scan(bytes, top[0].content)?.first,
                let first = DER.scan(bytes, certs.content)?.first, let fields = DER.scan(bytes, first.content),
                let hash = fields.first(where: { $0.tag == 0x04 })
            else { return nil }
            guard fields[0].tag == 0x30 else { return (.sha256, Array(bytes[hash.content])) }
            let oid = DER.scan(bytes, fields[0].content)?.first.map { Data(bytes[$0.whole]) }
            return (DigestAlgorithm.allCases.first { $0.objectIdentifier == oid }, Array(bytes[hash.content]))
        }
        guard let named else {
            return .failed(
                "signing-certificate", "the ESS signing-certificate-v2 attribute cannot be read", .formatFailure)
        }
        guard let algorithm = named.algorithm else {
            return .warning(
                "signing-certificate",
                "the ESS signing-certificate-v2 attribute hashes the certificate with an algorithm LienThong does not check"
            )
        }
        // The certificate's SHA-256 is its fingerprint, already at hand.
        let actual = algorithm == .sha256 ? Array(certificate.fingerprint) : Digest.bytes(certificate.der, algorithm)
        return actual == named.hash
            ? .passed("signing-certificate", "the signed attributes name this certificate (ESS signing-certificate-v2)")
            : .failed(
                "signing-certificate",
                "the signed attributes name another certificate than \(certificate)'s: it was put in place of the one that signed",
                .noSigningCertificateFound)
    }

    /// The signature value over the signed attributes: over the bytes as received when the
    /// signature is DER, else over OpenSSL's DER re-encoding of what it parsed.
    private static func signatureValueCheck(
        _ info: OpaquePointer, key: OpaquePointer?, digest: DigestAlgorithm?,
        algorithm: UnsafeMutablePointer<X509_ALGOR>?,
        signedAttributes: Data?, _ name: String
    ) -> Check {
        defer { ERR_clear_error() }
        let result: Int32
        if let signedAttributes, let key, let digest, let algorithm, let value = CMS_SignerInfo_get0_signature(info) {
            result = signedAttributes.withUnsafeBytes { attributes in
                shim_cms_verify_signed_attributes(
                    key, digest.evp, algorithm, attributes.bindMemory(to: UInt8.self).baseAddress, attributes.count,
                    ASN1_STRING_get0_data(value), Int(ASN1_STRING_length(value)))
            }
        } else {
            result = CMS_SignerInfo_verify(info)
        }
        switch result {
        case 1: return .passed("signature-value", "the \(name) signature over the signed attributes is valid")
        case -1 where signedAttributes != nil:
            return .failed(
                "signature-value",
                "the signature algorithm \(name) or its parameters are not ones LienThong verifies (RSASSA-PSS with MGF1, RSA PKCS#1 v1.5, ECDSA, each with the SignerInfo's digest)",
                .cryptoConstraintsFailure)
        default:
            return .failed(
                "signature-value",
                "the signature value does not verify with the certificate's public key: the signature or its signed attributes were altered",
                .sigCryptoFailure)
        }
    }

    /// The DER inside the first CMS or PKCS7 PEM block.
    static func der(fromPEM pem: Data) -> Data? {
        guard let bio = try? makeReadBIO(pem) else { return nil }
        defer { BIO_free(bio) }
        var name: UnsafeMutablePointer<CChar>?
        var header: UnsafeMutablePointer<CChar>?
        var bytes: UnsafeMutablePointer<UInt8>?
        var length = 0
        guard PEM_read_bio(bio, &name, &header, &bytes, &length) == 1 else { return nil }
        defer {
            shim_OPENSSL_free(name)
            shim_OPENSSL_free(header)
            shim_OPENSSL_free(bytes)
        }
        guard let name, ["CMS", "PKCS7"].contains(String(cString: name)), let bytes else { return nil }
        return Data(bytes: bytes, count: length)
    }

    static func parse(_ signature: Data) -> OpaquePointer? {
        defer { ERR_clear_error() }
        guard isPEM(signature) else {
            // From memory, not through a BIO: reading a BIO copies the bytes once more and walks
            // their headers twice, a tenth of a batch verification.
            return signature.withUnsafeBytes { raw -> OpaquePointer? in
                var base = raw.bindMemory(to: UInt8.self).baseAddress
                return base == nil ? nil : d2i_CMS_ContentInfo(nil, &base, raw.count)
            }
        }
        guard let bio = try? makeReadBIO(signature) else { return nil }
        defer { BIO_free(bio) }
        return shim_PEM_read_bio_CMS(bio)
    }

    static func algorithmName(_ algorithm: UnsafeMutablePointer<X509_ALGOR>?) -> String {
        var object: OpaquePointer?
        X509_ALGOR_get0(&object, nil, nil, algorithm)
        switch OBJ_obj2nid(object) {
        case NID_rsaEncryption: return "RSA PKCS#1 v1.5"
        case NID_rsassaPss: return "RSASSA-PSS"
        case NID_sha256: return "SHA-256"
        case NID_sha384: return "SHA-384"
        case NID_sha512: return "SHA-512"
        case NID_undef: return "unknown"
        case let nid: return String(cString: OBJ_nid2sn(nid))
        }
    }
}
