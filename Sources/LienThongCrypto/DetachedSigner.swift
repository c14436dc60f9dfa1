import CLienThongCrypto
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
    ///   - documentID: the document the file belongs to, signed into every SignerInfo (``DocumentBinding``).
    ///   - contentType: `.documentIdentity` for the seal over a document's identity, `.data` for files.
    public func sign(
        content: URL, signer: SigningIdentity?, seal: SigningIdentity,
        timeStamper: (any TimeStamper)? = nil, evidence: RevocationEvidence? = nil,
        documentID: String? = nil, contentType: SignedContentType = .data
    ) async throws -> Data {
        try await sign(
            content: content, signer: signer, seal: seal, timeStamper: timeStamper, evidence: evidence,
            sealOver: nil, documentID: documentID, contentType: contentType)
    }

    /// - Parameter sealOver: the signature value the seal binds to; the signer's own when nil.
    ///   Anything else makes the forgery the verifier must catch: a seal lifted from elsewhere.
    func sign(
        content: URL, signer: SigningIdentity?, seal: SigningIdentity, timeStamper: (any TimeStamper)?,
        evidence: RevocationEvidence?, sealOver: Data?, documentID: String? = nil,
        contentType: SignedContentType = .data
    ) async throws -> Data {
        let messageDigest: [UInt8]
        do {
            messageDigest = try Digest.bytes(of: content, digest)
        } catch {
            throw CryptoError("cannot read \(content.lastPathComponent) to sign it: \(error.localizedDescription)")
        }
        let signingTime = Date()
        let bound =
            documentID.map {
                [SignedDataEncoder.attribute(SignedDataEncoder.OID.document, DER.octetString(Data($0.utf8)))]
            }
            ?? []
        let header = (contentType.objectIdentifier, bound)
        var first = try signerInfo(signer ?? seal, messageDigest, at: signingTime, header: header)
        try await complete(&first, timeStamper: timeStamper, evidence: evidence)
        var signers = [first]
        if signer != nil {
            // The seal covers the same content and, as a signed attribute, the hash of the signature it seals.
            let binding = SignedDataEncoder.attribute(
                SignedDataEncoder.OID.sealBinding,
                DER.octetString(Digest.sha256Bytes(sealOver ?? first.signature)))
            var sealInfo = try signerInfo(seal, messageDigest, at: signingTime, header: header, extra: [binding])
            try await complete(&sealInfo, timeStamper: timeStamper, evidence: evidence)
            signers.append(sealInfo)
        }
        var seen: Set<Data> = []
        let certificates = [signer, seal].compactMap { $0 }.flatMap(\.chainDER).filter { seen.insert($0).inserted }
        return SignedDataEncoder.encode(
            digestAlgorithm: digest.algorithmIdentifier, contentType: contentType.objectIdentifier,
            certificates: certificates, signers: signers)
    }

    /// One SignerInfo over bytes already digested, as a PAdES signature in a PDF carries it (ETSI EN 319 142-1,
    /// 6.3): content-type, message-digest and ESS signing-certificate-v2, and no signing-time, which PAdES
    /// forbids (the time is the PDF's `/M`, and the time stamp's). An agency's seal after a leader's signature needs
    /// no binding attribute here: its byte range covers the leader's signature itself.
    /// - Parameters:
    ///   - messageDigest: the digest of the PDF's signed byte ranges, with ``digest``.
    ///   - timeStamper: stamps the signature value (PAdES B-T).
    /// - Returns: the DER-encoded CMS ContentInfo, detached.
    public func signPDF(
        messageDigest: [UInt8], as identity: SigningIdentity, timeStamper: (any TimeStamper)? = nil
    ) async throws -> Data {
        var info = try signerInfo(
            identity, messageDigest, at: nil, header: (SignedContentType.data.objectIdentifier, []))
        try await complete(&info, timeStamper: timeStamper, evidence: nil)
        return SignedDataEncoder.encode(
            digestAlgorithm: digest.algorithmIdentifier, contentType: SignedContentType.data.objectIdentifier,
            certificates: identity.chainDER, signers: [info])
    }

    /// A SignerInfo with the signed attributes content-type, signing-time (unless `time` is nil), message-digest
    /// and ESS signing-certificate-v2 (CAdES-BES), signed with the identity's key.
    /// `header`: the content type, and the document binding when there is one.
    private func signerInfo(
        _ identity: SigningIdentity, _ messageDigest: [UInt8], at time: Date?,
        header: (contentType: Data, binding: [Data]), extra: [Data] = []
    ) throws -> SignedDataEncoder.Signer {
        typealias OID = SignedDataEncoder.OID
        var info = SignedDataEncoder.Signer(
            identifier: identity.encoding.identifier, digestAlgorithm: digest.algorithmIdentifier,
            signedAttributes: [SignedDataEncoder.attribute(OID.contentType, header.contentType)]
                + (time.map { [SignedDataEncoder.attribute(OID.signingTime, DER.utcTime($0))] } ?? [])
                + [
                    SignedDataEncoder.attribute(OID.messageDigest, DER.octetString(messageDigest)),
                    identity.encoding.signingCertificate,
                ] + header.binding + extra)
        do {
            (info.signature, info.signatureAlgorithm) = try identity.key.sign(
                digest: Digest.bytes(info.signedContent, digest),
                algorithm: digest, padding: padding)
        } catch {
            throw CryptoError("signing as \(identity.certificate) failed: \(error)")
        }
        return info
    }

    /// The unsigned attributes: an RFC 3161 token over the signature value (CAdES-T) and the
    /// revocation evidence for the certificates (CAdES-LT).
    private func complete(
        _ info: inout SignedDataEncoder.Signer, timeStamper: (any TimeStamper)?, evidence: RevocationEvidence?
    ) async throws {
        if let timeStamper {
            info.unsignedAttributes.append(
                SignedDataEncoder.attribute(
                    SignedDataEncoder.OID.timeStampToken, try await timeStamper.timeStampToken(for: info.signature)))
        }
        if let evidence, !evidence.isEmpty {
            info.unsignedAttributes.append(
                SignedDataEncoder.attribute(SignedDataEncoder.OID.revocationValues, evidence.revocationValues))
        }
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
        guard
            CMS_unsigned_add1_attr_by_NID(
                info, NID_id_smime_aa_timeStampToken, V_ASN1_SEQUENCE, &token, Int32(token.count)) == 1
        else {
            throw CryptoError.drain("attaching the time stamp")
        }
    }
}

extension Data {
    /// Copies the bytes of an ASN1_STRING (OCTET STRING, BIT STRING…).
    init(asn1 string: UnsafePointer<ASN1_STRING>) {
        self.init(bytes: ASN1_STRING_get0_data(string), count: Int(ASN1_STRING_length(string)))
    }
}
