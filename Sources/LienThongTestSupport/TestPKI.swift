import Foundation
import LienThongCrypto

/// The PKI of the tests and the bench: a root, an agency CA, a person, an agency seal and a TSA
/// (``AgencyPKI``), made once per process, since RSA keys take long to make. Each value has its
/// own scratch directory for the files a test writes.
public struct TestPKI: Sendable {
    public let root: CertificateIssuer
    public let intermediate: CertificateIssuer
    public let signer: SigningIdentity
    public let seal: SigningIdentity
    public let tsa: TimeStampAuthority
    /// This value's own, new each time.
    public let directory: URL

    /// The keys and certificates made once for the whole run.
    private struct Made: Sendable {
        let pki: AgencyPKI
        let signer: SigningIdentity
        let seal: SigningIdentity
        let tsa: TimeStampAuthority
    }

    private static let made: Result<Made, any Error> = Result { try make() }

    private static func make() throws -> Made {
        let pki = try AgencyPKI.make(
            rootSubject: [("C", "VN"), ("CN", "Test Root CA")], caSubject: [("C", "VN"), ("CN", "Test Agency CA")])
        return Made(
            pki: pki,
            signer: try identity(pki.intermediate, name: "Nguyễn Văn An", role: .signer),
            seal: try identity(pki.intermediate, name: "Ủy ban nhân dân tỉnh Điện Biên", role: .seal),
            tsa: TimeStampAuthority(
                identity: try identity(
                    pki.intermediate, name: "Test TSA", role: .seal, kind: .ecdsaP256, profile: .timeStamping)))
    }

    /// The PKI made once for the run.
    public init() throws { try self.init(try Self.made.get()) }

    /// Another PKI with keys of its own: a stranger to the shared one.
    public static func independent() throws -> TestPKI { try TestPKI(make()) }

    private init(_ made: Made) throws {
        root = made.pki.root
        intermediate = made.pki.intermediate
        signer = made.signer
        seal = made.seal
        tsa = made.tsa
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    public static func key() throws -> PrivateKey { try PrivateKey.generate(.rsa(bits: 2048)) }

    /// A new identity from `issuer`, named as a person or a body of Điện Biên province.
    public static func identity(
        _ issuer: CertificateIssuer, name: String, role: CertificateRole,
        kind: PrivateKey.Kind = .rsa(bits: 2048), profile: CertificateProfile? = nil,
        notBefore: Date = Date().addingTimeInterval(-3600), notAfter: Date? = nil
    ) throws -> SigningIdentity {
        try AgencyPKI.identity(
            issuedBy: issuer, subject: [("C", "VN"), ("O", "UBND tỉnh Điện Biên"), ("CN", name)],
            profile: profile ?? .endEntity(role), kind: kind, notBefore: notBefore, notAfter: notAfter)
    }

    /// Its two CAs, as the builder they came from.
    private var agencyPKI: AgencyPKI { AgencyPKI(root: root, intermediate: intermediate) }

    public var trust: TrustStore { get throws { try agencyPKI.trust } }

    /// CRLs of both CAs, nothing revoked.
    public var crls: RevocationEvidence {
        get throws { RevocationEvidence(crls: try agencyPKI.revocationLists()) }
    }

    /// A verifier trusting this PKI's root, with both CAs' CRLs in hand.
    public func verifier(at validationTime: Date? = nil) throws -> SignatureVerifier {
        SignatureVerifier(trust: try trust, validationTime: validationTime, evidence: try crls)
    }

    /// Writes `contents` to a file in the PKI's directory and returns its URL.
    public func write(_ name: String, _ contents: Data) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }

    public func writePEM(_ name: String, _ certificates: [Certificate]) throws -> URL {
        try write(name, Data(certificates.map(\.pem).joined().utf8))
    }

    /// Keys are written encrypted, as LienThong keeps them; `openssl` reads them with `-passin pass:…`.
    public static let passphrase = "lienthong-test"

    public func writeKey(_ name: String, _ key: PrivateKey) throws -> URL {
        try write(name, key.pemPKCS8(encryptedWith: Self.passphrase))
    }
}

/// Runs a command line tool and returns its exit status and combined output.
@discardableResult
public func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [executable] + arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
