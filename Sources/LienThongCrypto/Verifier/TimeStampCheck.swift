import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// RFC 3161 time stamps over a signature value (CAdES-T): what time they prove, and whether their
/// authority was trusted and unrevoked when it stamped.
extension SignatureVerifier {
    /// The first time stamp over the signature value, verified against the trust anchors;
    /// nil when the signature carries none.
    func verifyTimeStamp(
        _ info: OpaquePointer, untrusted: OpaquePointer, evidence: RevocationEvidence
    ) -> (Check, (time: Date, authority: String)?)? {
        var token: UnsafePointer<UInt8>?
        let length = shim_cms_unsigned_sequence(info, NID_id_smime_aa_timeStampToken, 0, &token)
        guard length > 0, let token, let signature = CMS_SignerInfo_get0_signature(info) else {
            // Present but unreadable is not the same as absent: it must not pass for a signature without one.
            guard CMS_unsigned_get_attr_by_NID(info, NID_id_smime_aa_timeStampToken, -1) < 0 else {
                return (.failed(.timeStamp, "the time stamp attribute is not an RFC 3161 token", .formatFailure), nil)
            }
            return nil
        }
        let value = Data(bytes: ASN1_STRING_get0_data(signature), count: Int(ASN1_STRING_length(signature)))
        return verifyTimeStampToken(
            Data(bytes: token, count: Int(length)), over: { Digest.bytes(value, $0) }, untrusted: untrusted,
            evidence: evidence, stampedWhat: "this signature")
    }

    /// A document time stamp (PAdES B-LTA, `/SubFilter /ETSI.RFC3161`): the token over the PDF's byte ranges, as
    /// a file report of its own.
    public func verifyDocumentTimeStamp(_ token: Data, over content: SignedContent, name: String) -> FileReport {
        var report = FileReport(
            name: name, sha256: nil, expectation: .any, signatures: [], checks: [], verdict: .passed)
        let none = shim_sk_X509_new_null()!
        defer { shim_sk_X509_pop_free(none) }
        let (check, _) = verifyTimeStampToken(
            token, over: { try content.digest($0) }, untrusted: none, evidence: evidence, stampedWhat: "these bytes")
        report.add(check)
        return report
    }

    /// An RFC 3161 token over the bytes `digest` hashes (the message imprint is checked against them hashed with
    /// the token's algorithm, in chunks where they are large), verified against the trust anchors, its authority
    /// unrevoked when it stamped.
    func verifyTimeStampToken(
        _ token: Data, over digest: (DigestAlgorithm) throws -> [UInt8], untrusted: OpaquePointer,
        evidence: RevocationEvidence, stampedWhat: String
    ) -> (Check, (time: Date, authority: String)?) {
        var signed: Int32 = 0
        let nid = token.withUnsafeBytes {
            shim_ts_digest_nids($0.bindMemory(to: UInt8.self).baseAddress, $0.count, &signed)
        }
        guard nid >= 0 else {
            return (.failed(.timeStamp, "the time stamp attribute is not an RFC 3161 token", .formatFailure), nil)
        }
        // Both hashes of a time stamp are held to the rule a signature is: the one over the stamped bytes, and the
        // one the authority signed with.
        let named = { (nid: Int32) in
            OBJ_nid2sn(nid).map { String(cString: $0) } ?? "an algorithm OpenSSL does not know"
        }
        guard let algorithm = DigestAlgorithm(nid: nid), DigestAlgorithm(nid: signed) != nil else {
            let what =
                DigestAlgorithm(nid: nid) == nil
                ? "hashes \(stampedWhat) with \(named(nid))" : "is signed by its authority with \(named(signed))"
            return (
                .failed(
                    .timeStamp,
                    "the time stamp \(what), not one of the SHA-256, SHA-384 and SHA-512 that LienThong accepts "
                        + "(Circular 15/2025/TT-BKHCN)", .cryptoConstraintsFailure), nil
            )
        }
        let imprint: [UInt8]
        do {
            imprint = try digest(algorithm)
        } catch {
            return (.failed(.timeStamp, "the time-stamped bytes cannot be read: \(error)", .formatFailure), nil)
        }
        // The token is CMS SignedData too: its TSA certificates come from the cache as well.
        var der = token
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
                    raw.bindMemory(to: UInt8.self).baseAddress, raw.count, store, tokenCertificates, imprint,
                    Int32(imprint.count), &genTime, &signer)
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
                return (.passed(.timeStamp, stamped), (time, authority))
            }
            // The authority's certificate must not have been revoked when it stamped; a time stamp
            // whose certificate was revoked before then proves nothing.
            let (revocation, _) = evidence.check(
                chain: authorityChain, trust: trust, at: time, policy: .require,
                proofOfExistence: true)
            switch (revocation.result, revocation.subIndication) {
            case (.passed, _):
                return (
                    .passed(.timeStamp, "\(stamped); the authority's certificate \(revocation.detail)"),
                    (time, authority)
                )
            case (.failed, .revoked?):
                return (
                    .failed(
                        .timeStamp, "the time stamp by \(authority) proves no time: \(revocation.detail)", .revoked),
                    nil
                )
            default:
                return (
                    .warning(
                        .timeStamp,
                        "\(stamped); the authority's own revocation status is unknown: \(revocation.detail)"),
                    (time, authority)
                )
            }
        case 0:
            return (
                .failed(
                    .timeStamp, "the time stamp by \(authority) was not made over \(stampedWhat)", .sigCryptoFailure),
                nil
            )
        case 2:
            return (
                .failed(
                    .timeStamp,
                    "the time stamp by \(authority) is not trusted, so it proves no time: \(reasons.isEmpty ? "its signature or certificate path fails" : reasons)",
                    .noCertificateChainFound), nil
            )
        default:
            return (.failed(.timeStamp, "the time stamp attribute is not an RFC 3161 token", .formatFailure), nil)
        }
    }
}
