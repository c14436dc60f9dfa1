/// Which rule a ``Check`` reports on: stable across versions, shown to clerks and kept in reports.
///
/// A struct of named values rather than an enum, in the manner of HTTP field names: a report from a newer
/// LienThong, with a rule this version does not know, still reads, and says that rule's id as it is.
public struct CheckID: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    /// Coded as its raw value alone (the standard library's `Codable` for string `RawRepresentable`s).
    public init(rawValue: String) { self.rawValue = rawValue }

    /// As it is written in reports: `message-digest`.
    public var description: String { rawValue }

    /// The signature is CMS SignedData in DER or PEM, detached, within the limits (RFC 5652).
    public static let signatureFormat = CheckID(rawValue: "signature-format")
    /// The signed file can be read.
    public static let contentReadable = CheckID(rawValue: "content-readable")
    /// The signed content-type attribute is the content type the signature declares (RFC 5652 §11.1).
    public static let contentType = CheckID(rawValue: "content-type")
    /// The signed message-digest is the file's digest (RFC 5652 §11.2).
    public static let messageDigest = CheckID(rawValue: "message-digest")
    /// The signature value verifies over the signed attributes as received (RFC 5652 §5.4).
    public static let signatureValue = CheckID(rawValue: "signature-value")
    /// The certificate that made the signature is present, and the one ESS signing-certificate-v2 names (RFC 5035).
    public static let signingCertificate = CheckID(rawValue: "signing-certificate")
    /// The signing-time the signer's software wrote agrees with the time stamp.
    public static let signingTime = CheckID(rawValue: "signing-time")
    /// SHA-256 or stronger, RSA of 2048 bits or more, EC of 256 bits or more (Circular 15/2025/TT-BKHCN).
    public static let algorithmStrength = CheckID(rawValue: "algorithm-strength")
    /// A path to a trust anchor, valid at the time (RFC 5280 §6).
    public static let certificateChain = CheckID(rawValue: "certificate-chain")
    /// A person's certificate for a signature, an agency's for a seal.
    public static let certificateRole = CheckID(rawValue: "certificate-role")
    /// The key usage allows signing (RFC 5280 §4.2.1.3).
    public static let keyUsage = CheckID(rawValue: "key-usage")
    /// The extended key usage allows document signing, when present (RFC 5280 §4.2.1.12).
    public static let extendedKeyUsage = CheckID(rawValue: "extended-key-usage")
    /// No certificate of the path was revoked or on hold at the time (RFC 5280 §6.3, RFC 6960).
    public static let revocation = CheckID(rawValue: "revocation")
    /// The CRLs and OCSP responses the signature keeps are within the limits.
    public static let revocationValues = CheckID(rawValue: "revocation-values")
    /// The RFC 3161 time stamp over the signature value is trusted and proves its time.
    public static let timeStamp = CheckID(rawValue: "time-stamp")
    /// Every signature over a file names the same document.
    public static let documentBinding = CheckID(rawValue: "document-binding")
    /// The agency's seal was applied over the person's signature in this file.
    public static let sealBinding = CheckID(rawValue: "seal-binding")
    /// A document carries the signature of a competent person.
    public static let signerSignaturePresent = CheckID(rawValue: "signer-signature-present")
    /// A document or attachment carries the agency's seal.
    public static let agencySealPresent = CheckID(rawValue: "agency-seal-present")
    /// An export's sealed document identity verifies.
    public static let identity = CheckID(rawValue: "identity")
    /// The sealed identity is sealed by the issuing agency.
    public static let identityAgency = CheckID(rawValue: "identity-agency")
    /// The files the sealed identity lists are the files exported.
    public static let identityFiles = CheckID(rawValue: "identity-files")
    /// The sealed identity is in a format this version reads.
    public static let identityFormat = CheckID(rawValue: "identity-format")
    /// A file's hash is the one the sealed identity lists.
    public static let identityHash = CheckID(rawValue: "identity-hash")
    /// An export carries its sealed identity.
    public static let identityMissing = CheckID(rawValue: "identity-missing")
    /// The seal over the identity verifies.
    public static let identitySeal = CheckID(rawValue: "identity-seal")
    /// The identity was sealed.
    public static let identitySealed = CheckID(rawValue: "identity-sealed")
    /// An export's manifest can be read.
    public static let manifest = CheckID(rawValue: "manifest")
    /// Every file the manifest lists is present.
    public static let listedFiles = CheckID(rawValue: "listed-files")
    /// No file is present that the manifest does not list.
    public static let unlistedFile = CheckID(rawValue: "unlisted-file")
    /// Each exported file is a regular file, not a link.
    public static let regularFile = CheckID(rawValue: "regular-file")
    /// A signed file is present beside its signature.
    public static let filePresent = CheckID(rawValue: "file-present")
    /// An export holds its main document.
    public static let mainDocument = CheckID(rawValue: "main-document")

    /// A PDF signature's `/ByteRange` covers its revision but the signature's own `/Contents` (ISO 32000-2, 12.8.1).
    public static let pdfByteRange = CheckID(rawValue: "pdf-byte-range")
    /// What later revisions of a PDF changed is what a signed PDF allows: signatures, their fields and appearances,
    /// validation data and document time stamps (ETSI EN 319 142-1, 5.5; pyHanko's and DSS's policies).
    public static let pdfModifications = CheckID(rawValue: "pdf-modifications")

    /// Every rule this version checks.
    public static let known: [CheckID] = [
        .signatureFormat, .contentReadable, .contentType, .messageDigest, .signatureValue, .signingCertificate,
        .signingTime, .algorithmStrength, .certificateChain, .certificateRole, .keyUsage, .extendedKeyUsage,
        .revocation, .revocationValues, .timeStamp, .documentBinding, .sealBinding, .signerSignaturePresent,
        .agencySealPresent, .identity, .identityAgency, .identityFiles, .identityFormat, .identityHash,
        .identityMissing, .identitySeal, .identitySealed, .manifest, .listedFiles, .unlistedFile, .regularFile,
        .filePresent, .mainDocument, .pdfByteRange, .pdfModifications,
    ]
}
