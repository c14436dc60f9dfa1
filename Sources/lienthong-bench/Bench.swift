import ArgumentParser
import COpenSSL
import Foundation
import LienThongCrypto

/// `lienthong-bench`: each figure of the signing engine beside the OpenSSL limit it is bounded by,
/// measured in the same process and run. Build in release: `swift run -c release lienthong-bench`.
@main
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong-bench",
        abstract: "Measure CMS signing and batch verification against raw OpenSSL RSA-2048-PSS.")

    @Option(help: "Seconds per measurement.") var seconds: Double = 3
    @Option(help: "Documents in the verification batch.") var batch: Int = 200
    @Option(help: "Write the figures as JSON here.") var json: String?
    @Option(help: "Which part to run: all, sign or verify.") var part: Part = .all

    enum Part: String, ExpressibleByArgument { case all, sign, verify }

    func run() async throws {
        let pki = try DemoPKI()
        let content = FileManager.default.temporaryDirectory.appendingPathComponent("bench-\(UUID().uuidString).pdf")
        try Data((0..<10_240).map { UInt8(truncatingIfNeeded: $0) }).write(to: content)
        defer { try? FileManager.default.removeItem(at: content) }
        var figures: [Figure] = []

        let rawSign = try rate { try RawRSA.sign(pki.signer.key) }
        let rawVerify = try rate { try RawRSA.verify(pki.signer) }
        let rawECDSAVerify = try rate { try RawECDSA.verify(pki.tsa.identity) }
        figures.append(Figure(name: "raw RSA-2048-PSS sign (limit)", perSecond: rawSign, limit: nil))
        figures.append(Figure(name: "raw RSA-2048-PSS verify (limit)", perSecond: rawVerify, limit: nil))
        figures.append(Figure(name: "raw ECDSA P-256 verify (limit; the TSA's tokens)", perSecond: rawECDSAVerify, limit: nil))

        let signer = DetachedSigner()
        if part != .verify {
            try await measureSigning(signer, pki, content, rawSign, &figures)
        }
        if part != .sign {
            try await measureVerification(signer, pki, content, rawVerify, rawECDSAVerify, &figures)
        }
        print(String(repeating: "-", count: 100))
        for figure in figures {
            let ratio = figure.limit.map { String(format: "%5.1f%%", 100 * figure.perSecond / $0) } ?? "     "
            print(figure.name.padding(toLength: 78, withPad: " ", startingAt: 0) + String(format: "%10.0f/s ", figure.perSecond) + ratio)
        }
        if let json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(figures).write(to: URL(fileURLWithPath: json))
        }
    }

    func measureSigning(_ signer: DetachedSigner, _ pki: DemoPKI, _ content: URL, _ rawSign: Double, _ figures: inout [Figure]) async throws {
        let oneSignature = try await asyncRate { _ = try await signer.sign(content: content, signer: nil, seal: pki.seal) }
        figures.append(Figure(name: "CMS sign, 1 signature, 10 KB", perSecond: oneSignature, limit: rawSign))
        let document = try await asyncRate { _ = try await signer.sign(content: content, signer: pki.signer, seal: pki.seal) }
        figures.append(Figure(name: "CMS sign, signer + seal, 10 KB (2 signatures)", perSecond: document * 2, limit: rawSign))
        let stamped = try await asyncRate {
            _ = try await signer.sign(content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa, evidence: pki.crls)
        }
        figures.append(Figure(name: "CMS sign, signer + seal + 2 time stamps + CRLs (documents/s)", perSecond: stamped, limit: nil))
    }

    func measureVerification(_ signer: DetachedSigner, _ pki: DemoPKI, _ content: URL, _ rawVerify: Double, _ rawECDSAVerify: Double,
                             _ figures: inout [Figure]) async throws {
        // Two RSA signature verifications per document are the irreducible public-key work; the
        // variants show what the chain, the revocation evidence and the time stamps add to it.
        // With time stamps the irreducible work adds two ECDSA verifications (one per token): the
        // limit is the raw rate of that mix, expressed in documents per second.
        let rawDocuments = 1 / (2 / rawVerify)
        let rawStampedDocuments = 1 / (2 / rawVerify + 2 / rawECDSAVerify)
        let variants: [(String, Bool, RevocationPolicy, Double)] = [
            ("batch verify, signatures + chain (docs/s; limit 2 RSA verifies)", false, .skip, rawDocuments),
            ("batch verify, + embedded CRLs (docs/s; limit 2 RSA verifies)", false, .require, rawDocuments),
            ("batch verify, + time stamps, complete CAdES-LT (docs/s; limit 2 RSA + 2 ECDSA)", true, .require, rawStampedDocuments),
        ]
        for (name, stamped, policy, limit) in variants {
            var signatures: [Data] = []
            for _ in 0..<batch {
                signatures.append(try await signer.sign(content: content, signer: pki.signer, seal: pki.seal,
                                                        timeStamper: stamped ? pki.tsa : nil, evidence: pki.crls))
            }
            let verifier = SignatureVerifier(trust: pki.trust, revocationPolicy: policy)
            var index = 0
            let verified = try rate {
                let report = verifier.verify(content: content, signature: signatures[index % signatures.count], expecting: .document)
                guard report.verdict.indication == .totalPassed else { throw ValidationError("benchmark document did not verify: \(report.verdict)") }
                index += 1
            }
            figures.append(Figure(name: name, perSecond: verified, limit: limit))
        }
    }

    struct Figure: Encodable {
        let name: String
        let perSecond: Double
        let limit: Double?
    }

    func rate(_ body: () throws -> Void) throws -> Double {
        for _ in 0..<10 { try body() }
        let start = Date()
        var count = 0
        while Date().timeIntervalSince(start) < seconds {
            try body()
            count += 1
        }
        return Double(count) / Date().timeIntervalSince(start)
    }

    func asyncRate(_ body: () async throws -> Void) async throws -> Double {
        for _ in 0..<10 { try await body() }
        let start = Date()
        var count = 0
        while Date().timeIntervalSince(start) < seconds {
            try await body()
            count += 1
        }
        return Double(count) / Date().timeIntervalSince(start)
    }
}

/// A root, an agency CA, a person, a seal, a TSA and the CAs' CRLs, made in memory.
struct DemoPKI {
    let signer: SigningIdentity
    let seal: SigningIdentity
    let tsa: TimeStampAuthority
    let crls: RevocationEvidence
    let trust: TrustStore

    init() throws {
        let root = try CertificateIssuer.makeRoot(subject: [("CN", "Bench Root")], key: PrivateKey.generate(.rsa(bits: 2048)))
        let caKey = try PrivateKey.generate(.rsa(bits: 2048))
        let ca = CertificateIssuer(certificate: try root.issue(subject: [("CN", "Bench CA")], publicKey: caKey, profile: .intermediateCA), key: caKey)
        func identity(_ name: String, _ profile: CertificateProfile, _ kind: PrivateKey.Kind = .rsa(bits: 2048)) throws -> SigningIdentity {
            let key = try PrivateKey.generate(kind)
            return try SigningIdentity(certificate: ca.issue(subject: [("CN", name)], publicKey: key, profile: profile), key: key, intermediates: [ca.certificate])
        }
        signer = try identity("Nguyễn Văn An", .endEntity(.signer))
        seal = try identity("UBND tỉnh Điện Biên", .endEntity(.seal))
        tsa = TimeStampAuthority(identity: try identity("Bench TSA", .timeStamping, .ecdsaP256))
        crls = RevocationEvidence(crls: [try root.makeRevocationList(revoked: []), try ca.makeRevocationList(revoked: [])])
        trust = try TrustStore(anchors: [root.certificate])
    }
}

/// `openssl speed`'s measure for ECDSA: one verification of a signature over a SHA-256 digest.
enum RawECDSA {
    nonisolated(unsafe) static var signature: [UInt8] = []

    static func verify(_ identity: SigningIdentity) throws {
        if signature.isEmpty {
            guard let context = EVP_PKEY_CTX_new(identity.key.openSSLKey, nil), EVP_PKEY_sign_init(context) == 1 else {
                throw ValidationError("cannot set up raw ECDSA")
            }
            defer { EVP_PKEY_CTX_free(context) }
            var buffer = [UInt8](repeating: 0, count: 80)
            var length = buffer.count
            guard EVP_PKEY_sign(context, &buffer, &length, RawRSA.digest, RawRSA.digest.count) == 1 else { throw ValidationError("raw ECDSA sign failed") }
            signature = Array(buffer.prefix(length))
        }
        guard let context = EVP_PKEY_CTX_new(identity.certificate.openSSLPublicKey, nil), EVP_PKEY_verify_init(context) == 1 else {
            throw ValidationError("cannot set up raw ECDSA")
        }
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify(context, signature, signature.count, RawRSA.digest, RawRSA.digest.count) == 1 else {
            throw ValidationError("raw ECDSA verify failed")
        }
    }
}

/// `openssl speed`'s measure: one PSS signature or verification over a SHA-256 digest.
enum RawRSA {
    static let digest = [UInt8](repeating: 0x5A, count: 32)

    static func context(_ key: OpaquePointer, sign: Bool) throws -> OpaquePointer {
        guard let context = EVP_PKEY_CTX_new(key, nil),
              (sign ? EVP_PKEY_sign_init(context) : EVP_PKEY_verify_init(context)) == 1,
              EVP_PKEY_CTX_set_rsa_padding(context, RSA_PKCS1_PSS_PADDING) == 1,
              EVP_PKEY_CTX_set_signature_md(context, EVP_sha256()) == 1 else {
            throw ValidationError("cannot set up raw RSA-PSS")
        }
        return context
    }

    nonisolated(unsafe) static var signature = [UInt8](repeating: 0, count: 256)

    static func sign(_ key: PrivateKey) throws {
        let context = try Self.context(key.openSSLKey, sign: true)
        defer { EVP_PKEY_CTX_free(context) }
        var length = 256
        guard EVP_PKEY_sign(context, &signature, &length, digest, digest.count) == 1 else { throw ValidationError("raw sign failed") }
    }

    static func verify(_ identity: SigningIdentity) throws {
        if signature.allSatisfy({ $0 == 0 }) { try sign(identity.key) }
        let context = try Self.context(identity.certificate.openSSLPublicKey, sign: false)
        defer { EVP_PKEY_CTX_free(context) }
        guard EVP_PKEY_verify(context, signature, 256, digest, digest.count) == 1 else { throw ValidationError("raw verify failed") }
    }
}
