import Foundation
import LienThongCrypto

/// A small PKI made fresh for each test: root, intermediate, a person and an agency seal.
struct TestPKI {
    let root: CertificateIssuer
    let intermediate: CertificateIssuer
    let signer: SigningIdentity
    let seal: SigningIdentity
    let tsa: TimeStampAuthority
    let directory: URL

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-crypto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        root = try CertificateIssuer.makeRoot(subject: [("C", "VN"), ("CN", "Test Root CA")], key: Self.key())
        let intermediateKey = try Self.key()
        intermediate = CertificateIssuer(
            certificate: try root.issue(
                subject: [("C", "VN"), ("CN", "Test Agency CA")], publicKey: intermediateKey, profile: .intermediateCA),
            key: intermediateKey
        )
        signer = try Self.identity(intermediate, name: "Nguyễn Văn An", role: .signer)
        seal = try Self.identity(intermediate, name: "Ủy ban nhân dân tỉnh Điện Biên", role: .seal)
        tsa = TimeStampAuthority(
            identity: try Self.identity(
                intermediate, name: "Test TSA", role: .seal, kind: .ecdsaP256, profile: .timeStamping))
    }

    static func key() throws -> PrivateKey { try PrivateKey.generate(.rsa(bits: 2048)) }

    static func identity(
        _ issuer: CertificateIssuer, name: String, role: CertificateRole,
        kind: PrivateKey.Kind = .rsa(bits: 2048), profile: CertificateProfile? = nil,
        notBefore: Date = Date().addingTimeInterval(-3600), notAfter: Date? = nil
    ) throws -> SigningIdentity {
        let key = try PrivateKey.generate(kind)
        let certificate = try issuer.issue(
            subject: [("C", "VN"), ("O", "UBND tỉnh Điện Biên"), ("CN", name)], publicKey: key,
            profile: profile ?? .endEntity(role), notBefore: notBefore, notAfter: notAfter
        )
        return try SigningIdentity(certificate: certificate, key: key, intermediates: [issuer.certificate])
    }

    var trust: TrustStore { get throws { try TrustStore(anchors: [root.certificate]) } }

    /// CRLs of both CAs, nothing revoked.
    var crls: RevocationEvidence {
        get throws {
            RevocationEvidence(crls: [
                try root.makeRevocationList(revoked: []), try intermediate.makeRevocationList(revoked: []),
            ])
        }
    }

    /// A verifier trusting this PKI's root, with both CAs' CRLs in hand.
    func verifier(at validationTime: Date? = nil) throws -> SignatureVerifier {
        SignatureVerifier(trust: try trust, validationTime: validationTime, evidence: try crls)
    }

    /// Writes `contents` to a file in the PKI's directory and returns its URL.
    func write(_ name: String, _ contents: Data) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try contents.write(to: url)
        return url
    }

    func writePEM(_ name: String, _ certificates: [Certificate]) throws -> URL {
        try write(name, Data(certificates.map(\.pem).joined().utf8))
    }

    /// Keys are written encrypted, as LienThong keeps them; `openssl` reads them with `-passin pass:…`.
    static let passphrase = "lienthong-test"

    func writeKey(_ name: String, _ key: PrivateKey) throws -> URL {
        try write(name, key.pemPKCS8(encryptedWith: Self.passphrase))
    }
}

/// Runs a command line tool and returns its exit status and combined output.
@discardableResult
func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
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
