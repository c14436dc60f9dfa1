/// Which rule a ``Check`` reports on: stable across versions, shown to clerks and kept in reports.
public enum CheckID: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The signature is CMS SignedData in DER or PEM, detached, within the limits (RFC 5652).
    case signatureFormat = "signature-format"
    /// The signed file can be read.
    case contentReadable = "content-readable"
    /// The signed content-type attribute is the content type the signature declares (RFC 5652 §11.1).
    case contentType = "content-type"
    /// The signed message-digest is the file's digest (RFC 5652 §11.2).
    case messageDigest = "message-digest"
    /// The signature value verifies over the signed attributes as received (RFC 5652 §5.4).
    case signatureValue = "signature-value"
    /// The certificate that made the signature is present, and the one ESS signing-certificate-v2 names (RFC 5035).
    case signingCertificate = "signing-certificate"
    /// The signing-time the signer's software wrote agrees with the time stamp.
    case signingTime = "signing-time"
    /// SHA-256 or stronger, RSA of 2048 bits or more, EC of 256 bits or more (Circular 15/2025/TT-BKHCN).
    case algorithmStrength = "algorithm-strength"
    /// A path to a trust anchor, valid at the time (RFC 5280 §6).
    case certificateChain = "certificate-chain"
    /// A person's certificate for a signature, an agency's for a seal.
    case certificateRole = "certificate-role"
    /// The key usage allows signing (RFC 5280 §4.2.1.3).
    case keyUsage = "key-usage"
    /// The extended key usage allows document signing, when present (RFC 5280 §4.2.1.12).
    case extendedKeyUsage = "extended-key-usage"
    /// No certificate of the path was revoked or on hold at the time (RFC 5280 §6.3, RFC 6960).
    case revocation = "revocation"
    /// The CRLs and OCSP responses the signature keeps are within the limits.
    case revocationValues = "revocation-values"
    /// The RFC 3161 time stamp over the signature value is trusted and proves its time.
    case timeStamp = "time-stamp"
    /// Every signature over a file names the same document.
    case documentBinding = "document-binding"
    /// The agency's seal was applied over the person's signature in this file.
    case sealBinding = "seal-binding"
    /// A document carries the signature of a competent person.
    case signerSignaturePresent = "signer-signature-present"
    /// A document or attachment carries the agency's seal.
    case agencySealPresent = "agency-seal-present"
    /// An export's sealed document identity verifies.
    case identity = "identity"
    /// The sealed identity is sealed by the issuing agency.
    case identityAgency = "identity-agency"
    /// The files the sealed identity lists are the files exported.
    case identityFiles = "identity-files"
    /// The sealed identity is in a format this version reads.
    case identityFormat = "identity-format"
    /// A file's hash is the one the sealed identity lists.
    case identityHash = "identity-hash"
    /// An export carries its sealed identity.
    case identityMissing = "identity-missing"
    /// The seal over the identity verifies.
    case identitySeal = "identity-seal"
    /// The identity was sealed.
    case identitySealed = "identity-sealed"
    /// An export's manifest can be read.
    case manifest = "manifest"
    /// Every file the manifest lists is present.
    case listedFiles = "listed-files"
    /// No file is present that the manifest does not list.
    case unlistedFile = "unlisted-file"
    /// Each exported file is a regular file, not a link.
    case regularFile = "regular-file"
    /// A signed file is present beside its signature.
    case filePresent = "file-present"
    /// An export holds its main document.
    case mainDocument = "main-document"

    /// As it is written in reports: `message-digest`.
    public var description: String { rawValue }
}
