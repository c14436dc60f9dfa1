import Foundation

/// A two-level PKI as Vietnamese agencies have one: a root, and under it a CA for agencies that issues the
/// certificates of persons, of seals and of a time-stamping authority. The one builder behind the demo setup
/// (which keeps it in `Certs/demo`), the tests and the bench. Keys are RSA-2048 unless asked otherwise.
public struct AgencyPKI: Sendable {
    public let root: CertificateIssuer
    /// The CA for agencies, which issues every end-entity certificate.
    public let intermediate: CertificateIssuer

    public init(root: CertificateIssuer, intermediate: CertificateIssuer) {
        self.root = root
        self.intermediate = intermediate
    }

    /// Makes both CAs with new keys.
    /// - Parameter caNotAfter: the agencies' CA's end of validity; the profile's default when nil.
    public static func make(
        rootSubject: CertificateIssuer.Name, caSubject: CertificateIssuer.Name, caNotAfter: Date? = nil
    ) throws -> AgencyPKI {
        let root = try CertificateIssuer.makeRoot(subject: rootSubject, key: PrivateKey.generate(.rsa(bits: 2048)))
        let caKey = try PrivateKey.generate(.rsa(bits: 2048))
        let certificate = try root.issue(
            subject: caSubject, publicKey: caKey, profile: .intermediateCA, notAfter: caNotAfter)
        return AgencyPKI(root: root, intermediate: CertificateIssuer(certificate: certificate, key: caKey))
    }

    /// A new key and a certificate for it from the agencies' CA, with the CA as the chain.
    public func identity(
        subject: CertificateIssuer.Name, profile: CertificateProfile, kind: PrivateKey.Kind = .rsa(bits: 2048),
        notBefore: Date = Date(), notAfter: Date? = nil
    ) throws -> SigningIdentity {
        try Self.identity(
            issuedBy: intermediate, subject: subject, profile: profile, kind: kind, notBefore: notBefore,
            notAfter: notAfter)
    }

    /// A new key and a certificate for it from `issuer`, with `issuer` as the chain.
    public static func identity(
        issuedBy issuer: CertificateIssuer, subject: CertificateIssuer.Name, profile: CertificateProfile,
        kind: PrivateKey.Kind = .rsa(bits: 2048), notBefore: Date = Date(), notAfter: Date? = nil
    ) throws -> SigningIdentity {
        let key = try PrivateKey.generate(kind)
        let certificate = try issuer.issue(
            subject: subject, publicKey: key, profile: profile, notBefore: notBefore, notAfter: notAfter)
        return try SigningIdentity(certificate: certificate, key: key, intermediates: [issuer.certificate])
    }

    /// A time-stamping authority, ECDSA P-256 so that stamping costs little next to RSA signing.
    public func timeStampAuthority(subject: CertificateIssuer.Name) throws -> TimeStampAuthority {
        TimeStampAuthority(identity: try identity(subject: subject, profile: .timeStamping, kind: .ecdsaP256))
    }

    /// Both CAs' CRLs, nothing revoked.
    public func revocationLists(nextUpdate: Date = Date().addingTimeInterval(7 * 86_400)) throws -> [RevocationList] {
        try [root, intermediate].map { try $0.makeRevocationList(revoked: [], nextUpdate: nextUpdate) }
    }

    /// Trusting the root alone.
    public var trust: TrustStore { get throws { try TrustStore(anchors: [root.certificate]) } }
}
