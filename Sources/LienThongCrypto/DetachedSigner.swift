import COpenSSL
import Foundation

/// RSA padding for signing. Circular 15/2025/TT-BKHCN asks for RSASSA-PSS; PKCS#1 v1.5 stays
/// available for peers that cannot yet read PSS.
public enum RSAPadding: String, Sendable, Codable {
    case pss
    case pkcs1v15
}

/// Makes detached CMS SignedData over a file, in the order Decree 30 asks for: the competent
/// person's signature first, then the agency's seal, which binds to that signature.
///
/// Both SignerInfos sign the content itself, so `openssl cms -verify -content FILE` checks both;
/// the seal additionally carries the hash of the person's signature value (``SealBinding``).
/// Signed attributes: content-type, message-digest, signing-time, ESS signing-certificate-v2.
public struct DetachedSigner: Sendable {
    public var digest: DigestAlgorithm
    public var padding: RSAPadding

    public init(digest: DigestAlgorithm = .sha256, padding: RSAPadding = .pss) {
        self.digest = digest
        self.padding = padding
    }

    /// Signs `content` as a document: the signer's signature, then the seal over it.
    /// Without a signer, the agency alone seals it, as for an attachment.
    /// - Returns: the DER-encoded CMS ContentInfo.
    /// - Parameters:
    ///   - timeStamper: stamps every signature value (CAdES-T).
    ///   - evidence: CRLs and OCSP responses for the certificates, kept in every SignerInfo (CAdES-LT).
    public func sign(content: URL, signer: SigningIdentity?, seal: SigningIdentity,
                     timeStamper: (any TimeStamper)? = nil, evidence: RevocationEvidence? = nil) async throws -> Data {
        try await sign(content: content, signer: signer, seal: seal, timeStamper: timeStamper, evidence: evidence, sealOver: nil)
    }

    /// - Parameter sealOver: the signature value the seal binds to; the signer's own when nil.
    ///   Anything else makes the forgery the verifier must catch: a seal lifted from elsewhere.
    func sign(content: URL, signer: SigningIdentity?, seal: SigningIdentity, timeStamper: (any TimeStamper)?,
              evidence: RevocationEvidence?, sealOver: Data?) async throws -> Data {
        let first = signer ?? seal
        let flags = UInt32(CMS_PARTIAL | CMS_DETACHED | CMS_BINARY)
        guard let cms = CMS_sign(nil, nil, nil, nil, flags) else { throw CryptoError.drain("starting a signature") }
        defer { CMS_ContentInfo_free(cms) }

        try addCertificates(of: [first] + (signer == nil ? [] : [seal]), to: cms)
        let firstInfo = try addSignerInfo(cms, first, reuseDigest: false)

        let data = try openFileBIO(content)
        defer { BIO_free(data) }
        guard CMS_final(cms, data, nil, UInt32(CMS_DETACHED | CMS_BINARY)) == 1 else {
            throw CryptoError.drain("signing \(content.lastPathComponent) as \(first.certificate)")
        }

        try await Self.stamp(firstInfo, with: timeStamper)
        if let evidence, !evidence.isEmpty { try evidence.attach(to: firstInfo) }

        if signer != nil {
            let sealInfo = try addSignerInfo(cms, seal, reuseDigest: true)
            try bind(sealInfo, to: sealOver ?? CMS_SignerInfo_get0_signature(firstInfo).map { Data(asn1: $0) })
            guard CMS_SignerInfo_sign(sealInfo) == 1, shim_cms_set_signature_algorithm(sealInfo) == 1 else {
                throw CryptoError.drain("sealing \(content.lastPathComponent) as \(seal.certificate)")
            }
            try await Self.stamp(sealInfo, with: timeStamper)
            if let evidence, !evidence.isEmpty { try evidence.attach(to: sealInfo) }
        }
        return try withWriteBIO("encoding the signature") { i2d_CMS_bio($0, cms) == 1 }
    }

    /// Adds every identity's certificate and intermediates once each.
    private func addCertificates(of identities: [SigningIdentity], to cms: OpaquePointer) throws {
        var added: Set<Certificate> = []
        for certificate in identities.flatMap({ [$0.certificate] + $0.intermediates }) where added.insert(certificate).inserted {
            guard CMS_add1_cert(cms, certificate.pointer) == 1 else {
                throw CryptoError.drain("embedding the certificate of \(certificate)")
            }
        }
    }

    private func addSignerInfo(_ cms: OpaquePointer, _ identity: SigningIdentity, reuseDigest: Bool) throws -> OpaquePointer {
        var flags = CMS_KEY_PARAM | CMS_CADES | CMS_NOSMIMECAP | CMS_BINARY | CMS_NOCERTS
        if reuseDigest { flags |= CMS_REUSE_DIGEST }
        guard let info = CMS_add1_signer(cms, identity.certificate.pointer, identity.key.pointer, digest.evp, UInt32(flags)) else {
            throw CryptoError.drain("preparing the signature of \(identity.certificate)")
        }
        if identity.key.isRSA {
            let context = CMS_SignerInfo_get0_pkey_ctx(info)
            let mode = padding == .pss ? RSA_PKCS1_PSS_PADDING : RSA_PKCS1_PADDING
            guard EVP_PKEY_CTX_set_rsa_padding(context, mode) == 1,
                  padding != .pss || EVP_PKEY_CTX_set_rsa_pss_saltlen(context, RSA_PSS_SALTLEN_DIGEST) == 1 else {
                throw CryptoError.drain("choosing RSA \(padding.rawValue) for \(identity.certificate)")
            }
        }
        return info
    }

    /// Adds a time stamp to every SignerInfo of `signature` that has none: for signatures made
    /// while the TSA could not be reached. Unsigned attributes only: no signature changes.
    public static func addingTimeStamps(to signature: Data, timeStamper: any TimeStamper) async throws -> Data {
        guard let cms = SignatureVerifier.parse(signature), let infos = CMS_get0_SignerInfos(cms) else {
            throw CryptoError("the stored signature is not CMS")
        }
        defer { CMS_ContentInfo_free(cms) }
        for index in 0..<shim_sk_CMS_SignerInfo_num(infos) {
            let info = shim_sk_CMS_SignerInfo_value(infos, index)!
            var token: UnsafePointer<UInt8>?
            if shim_cms_unsigned_sequence(info, NID_id_smime_aa_timeStampToken, 0, &token) < 0 {
                try await stamp(info, with: timeStamper)
            }
        }
        return try withWriteBIO("encoding the signature") { i2d_CMS_bio($0, cms) == 1 }
    }

    /// Adds an RFC 3161 token over the signature value as the unsigned attribute
    /// id-aa-signatureTimeStampToken (CAdES-T).
    private static func stamp(_ info: OpaquePointer, with timeStamper: (any TimeStamper)?) async throws {
        guard let timeStamper, let signature = CMS_SignerInfo_get0_signature(info) else { return }
        var token = Array(try await timeStamper.timeStampToken(for: Data(asn1: signature)))
        guard CMS_unsigned_add1_attr_by_NID(info, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, &token, Int32(token.count)) == 1 else {
            throw CryptoError.drain("attaching the time stamp")
        }
    }

    private func bind(_ sealInfo: OpaquePointer, to signature: Data?) throws {
        guard let signature else { throw CryptoError("the signer's signature is missing before sealing") }
        var hash = Digest.sha256Bytes(signature)
        let oid = OBJ_txt2obj(SealBinding.attributeOID, 1)
        defer { ASN1_OBJECT_free(oid) }
        guard CMS_signed_add1_attr_by_OBJ(sealInfo, oid, V_ASN1_OCTET_STRING, &hash, Int32(hash.count)) == 1 else {
            throw CryptoError.drain("binding the seal to the signer's signature")
        }
    }
}

extension Data {
    /// Copies the bytes of an ASN1_STRING (OCTET STRING, BIT STRING…).
    init(asn1 string: UnsafePointer<ASN1_STRING>) {
        self.init(bytes: ASN1_STRING_get0_data(string), count: Int(ASN1_STRING_length(string)))
    }
}
