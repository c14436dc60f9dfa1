import COpenSSL
import Foundation

/// CMS SignedData (RFC 5652) written as DER by hand, for detached signatures over a file.
///
/// OpenSSL's ASN.1 templates spend some 40 µs building, encoding and freeing a SignedData: 15 % of
/// an RSA-2048 signature, for structure only. Here the certificates' pieces are encoded once per
/// identity and a signature is a few concatenations; the hashing and the signing stay with OpenSSL,
/// and OpenSSL's CMS parser (and `openssl cms -verify` in the tests) reads every signature we write.
enum SignedDataEncoder {
    enum OID {
        static let data = DER.objectIdentifier("1.2.840.113549.1.7.1")
        static let signedData = DER.objectIdentifier("1.2.840.113549.1.7.2")
        static let contentType = DER.objectIdentifier("1.2.840.113549.1.9.3")
        static let messageDigest = DER.objectIdentifier("1.2.840.113549.1.9.4")
        static let signingTime = DER.objectIdentifier("1.2.840.113549.1.9.5")
        static let signingCertificateV2 = DER.objectIdentifier("1.2.840.113549.1.9.16.2.47")
        static let timeStampToken = DER.objectIdentifier("1.2.840.113549.1.9.16.2.14")
        static let revocationValues = DER.objectIdentifier("1.2.840.113549.1.9.16.2.24")
        static let sealBinding = DER.objectIdentifier(SealBinding.attributeOID)
        static let document = DER.objectIdentifier(DocumentBinding.documentAttributeOID)
        static let documentIdentity = DER.objectIdentifier(DocumentBinding.identityContentTypeOID)
    }

    /// Attribute ::= SEQUENCE { attrType OBJECT IDENTIFIER, attrValues SET OF AttributeValue }
    static func attribute(_ type: Data, _ value: Data) -> Data {
        DER.sequence(type, DER.set([value]))
    }

    /// One signature, ready to encode once its value is known.
    struct Signer {
        /// IssuerAndSerialNumber of the signing certificate.
        var identifier: Data
        var digestAlgorithm: Data
        var signedAttributes: [Data]
        var signatureAlgorithm = Data()
        var signature = Data()
        var unsignedAttributes: [Data] = []

        /// What the signature covers: the signed attributes as a DER SET (RFC 5652 5.4).
        var signedContent: Data { DER.set(signedAttributes) }

        var encoded: Data {
            DER.sequence(
                DER.integer(1), identifier, digestAlgorithm, DER.set(signedAttributes, tag: 0xA0), signatureAlgorithm,
                DER.octetString(signature), unsignedAttributes.isEmpty ? Data() : DER.set(unsignedAttributes, tag: 0xA1)
            )
        }
    }

    /// ContentInfo { id-signedData, [0] SignedData } with no encapsulated content (detached).
    static func encode(
        digestAlgorithm: Data, contentType: Data = OID.data, certificates: [Data], signers: [Signer]
    ) -> Data {
        let signedData = DER.sequence(
            DER.integer(1), DER.set([digestAlgorithm]), DER.sequence(contentType), DER.set(certificates, tag: 0xA0),
            DER.set(signers.map(\.encoded)))
        return DER.sequence(OID.signedData, DER.encode(tag: 0xA0, signedData))
    }
}

/// What a certificate contributes to every SignerInfo made with it, encoded once.
struct SignerCertificateEncoding: Sendable {
    /// The certificate itself, DER.
    let certificate: Data
    /// IssuerAndSerialNumber ::= SEQUENCE { issuer Name, serialNumber INTEGER }
    let identifier: Data
    /// The ESS signing-certificate-v2 attribute (RFC 5035): the SHA-256 of the certificate and its
    /// issuer and serial, so that the certificate cannot be swapped for another with the same key.
    let signingCertificate: Data

    init(_ certificate: Certificate) throws {
        let der = certificate.der
        self.certificate = der
        // Certificate ::= SEQUENCE { tbsCertificate SEQUENCE { [0] version?, serialNumber, signature, issuer, … }, … }
        let parts: (serial: Data, issuer: Data)? = der.withUnsafeBytes { bytes in
            guard let top = DER.scan(bytes, 0..<bytes.count), top.count == 1,
                let certificate = DER.scan(bytes, top[0].content), let tbs = certificate.first,
                var fields = DER.scan(bytes, tbs.content)
            else { return nil }
            if fields.first?.tag == 0xA0 { fields.removeFirst() }
            guard fields.count >= 3, fields[0].tag == 0x02, fields[2].tag == 0x30 else { return nil }
            return (Data(bytes[fields[0].whole]), Data(bytes[fields[2].whole]))
        }
        guard let parts else {
            throw CryptoError("the certificate of \(certificate) is not DER that LienThong can read")
        }
        identifier = DER.sequence(parts.issuer, parts.serial)
        // ESSCertIDv2 { certHash, issuerSerial { issuer GeneralNames { [4] directoryName }, serialNumber } }; SHA-256 by default.
        let issuerSerial = DER.sequence(DER.sequence(DER.encode(tag: 0xA4, parts.issuer)), parts.serial)
        let certificateID = DER.sequence(DER.octetString(Digest.sha256Bytes(der)), issuerSerial)
        signingCertificate = SignedDataEncoder.attribute(
            SignedDataEncoder.OID.signingCertificateV2,
            DER.sequence(DER.sequence(certificateID)))
    }
}
