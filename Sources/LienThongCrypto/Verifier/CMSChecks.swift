import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongDomain

/// The cryptographic checks of one SignerInfo (RFC 5652 §5.4, §11; RFC 5035).
extension SignatureVerifier {
    /// The message-digest the signer signed against the file's digest with the same algorithm.
    static func messageDigestCheck(
        _ info: OpaquePointer, _ algorithm: DigestAlgorithm?, _ digests: [DigestAlgorithm: [UInt8]],
        _ name: String
    ) -> Check {
        guard let algorithm, let digest = digests[algorithm] else {
            return .failed(
                .messageDigest,
                "the file cannot be compared with what was signed: LienThong does not compute \(name) digests",
                .cryptoConstraintsFailure)
        }
        guard
            let signed = CMS_signed_get0_data_by_OBJ(
                info, OBJ_nid2obj(NID_pkcs9_messageDigest), -3, V_ASN1_OCTET_STRING)
        else {
            return .failed(
                .messageDigest,
                "the signed attributes hold no message-digest, so nothing ties the signature to a file", .formatFailure)
        }
        return Data(asn1: signed.assumingMemoryBound(to: ASN1_STRING.self)).elementsEqual(digest)
            ? .passed(.messageDigest, "the file is exactly the one that was signed")
            : .failed(
                .messageDigest, "the file was changed after it was signed (its \(name) digest does not match)",
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
                .signingCertificate, "the ESS signing-certificate-v2 attribute cannot be read", .formatFailure)
        }
        guard let algorithm = named.algorithm else {
            return .warning(
                .signingCertificate,
                "the ESS signing-certificate-v2 attribute hashes the certificate with an algorithm LienThong does not check"
            )
        }
        // The certificate's SHA-256 is its fingerprint, already at hand.
        let actual = algorithm == .sha256 ? Array(certificate.fingerprint) : Digest.bytes(certificate.der, algorithm)
        return actual == named.hash
            ? .passed(.signingCertificate, "the signed attributes name this certificate (ESS signing-certificate-v2)")
            : .failed(
                .signingCertificate,
                "the signed attributes name another certificate than \(certificate)'s: it was put in place of the one that signed",
                .noSigningCertificateFound)
    }

    /// The signature value over the signed attributes: over the bytes as received when the
    /// signature is DER, else over OpenSSL's DER re-encoding of what it parsed.
    static func signatureValueCheck(
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
        case 1: return .passed(.signatureValue, "the \(name) signature over the signed attributes is valid")
        case -1 where signedAttributes != nil:
            return .failed(
                .signatureValue,
                "the signature algorithm \(name) or its parameters are not ones LienThong verifies (RSASSA-PSS with MGF1, RSA PKCS#1 v1.5, ECDSA, each with the SignerInfo's digest)",
                .cryptoConstraintsFailure)
        default:
            return .failed(
                .signatureValue,
                "the signature value does not verify with the certificate's public key: the signature or its signed attributes were altered",
                .sigCryptoFailure)
        }
    }
}
