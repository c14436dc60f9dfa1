import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

/// Hostile signatures: a complete CAdES-LT signature cut, flipped and spliced at random, fed to the
/// verifier (and to the certificate and CRL readers) for a bounded time. Nothing may crash, and
/// nothing that was changed inside the signed parts may pass.
@Suite("Fuzzing the CMS entry points")
struct CMSFuzzTests {
    static func mutate(_ input: Data, _ random: inout some RandomNumberGenerator) -> Data {
        var bytes = [UInt8](input)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { break }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1:
                bytes[at] =
                    [0x00, 0x80, 0x81, 0x82, 0x84, 0xFF, 0x30, 0x31, 0xA0][Int.random(in: 0..<9, using: &random)]
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
            case 3: bytes = Array(bytes.prefix(at))
            case 4:
                bytes.insert(
                    contentsOf: bytes[at..<min(bytes.count, at + Int.random(in: 1...256, using: &random))], at: at)
            default:
                bytes.insert(
                    contentsOf: (0..<Int.random(in: 1...16, using: &random)).map { _ in
                        UInt8.random(in: 0...255, using: &random)
                    }, at: at)
            }
        }
        return Data(bytes)
    }

    @Test(.timeLimit(.minutes(2)))
    func mutatedSignaturesNeverCrashNorPass() async throws {
        let pki = try TestPKI()
        let content = pki.directory.appendingPathComponent("cv.pdf")
        try Data("%PDF-1.7 Công văn gửi các xã\n".utf8).write(to: content)
        let crl = try pki.intermediate.makeRevocationList(revoked: [])
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa,
            evidence: RevocationEvidence(crls: [try pki.root.makeRevocationList(revoked: []), crl]))
        let verifier = try SignatureVerifier(
            trust: TrustStore(anchors: [pki.root.certificate]), revocationPolicy: .require)
        let baseline = verifier.verify(content: content, signature: signature, expecting: .document)
        try #require(baseline.verdict == .passed, "\(baseline.signatures.map(\.checks))")

        let joined = verifier.verify(content: content, signature: signature + Data([0x30, 0x00]), expecting: .document)
        #expect(
            joined.checks.contains { $0.id == .signatureFormat && $0.detail.contains("2 bytes after") },
            "\(joined.checks)")
        let protected = Self.protectedParts(signature)
        #expect(protected.count == 1 + 2 * 2, "the content type, and two signed attribute sets and signature values")
        var random = SystemRandomNumberGenerator()
        let start = Date()
        var runs = 0
        var passed = 0
        while Date().timeIntervalSince(start) < 10 {
            let mutated = Self.mutate(signature, &random)
            guard mutated != signature else { continue }
            let report = verifier.verify(content: content, signature: mutated, expecting: .document)
            if report.verdict == .passed {
                let first =
                    zip(signature, mutated).enumerated().first { $0.element.0 != $0.element.1 }?.offset
                    ?? signature.count
                #expect(!protected.contains { $0.contains(first) }, "a change at byte \(first) of a signed part passed")
                passed += 1
            }
            _ = try? Certificate(der: Self.mutate(pki.signer.certificate.der, &random))
            _ = try? RevocationList(der: Self.mutate(crl.der, &random))
            runs += 1
        }
        #expect(runs > 100)
        #expect(passed * 5 < runs, "\(passed) of \(runs) mutated signatures passed")
    }

    /// The byte ranges a change of which must never pass: the content type, and each SignerInfo's
    /// signed attributes and signature value. (Unsigned fields may vary without consequence: the
    /// version, the signer identifier, parameters OpenSSL reads leniently, copies of certificates in
    /// a bag, the type of an unsigned attribute, which makes the time stamp as if stripped.)
    static func protectedParts(_ der: Data) -> [Range<Int>] {
        der.withUnsafeBytes { bytes in
            guard let info = DER.scan(bytes, 0..<bytes.count), info.count == 1,
                let parts = DER.scan(bytes, info[0].content), parts.count == 2,
                let wrapped = DER.scan(bytes, parts[1].content), wrapped.count == 1,
                let fields = DER.scan(bytes, wrapped[0].content), fields.count >= 4
            else { return [] }
            var protected = [fields[2].whole]
            for signerInfo in DER.scan(bytes, fields[fields.count - 1].content) ?? [] {
                protected += (DER.scan(bytes, signerInfo.content) ?? []).filter { [0xA0, 0x04].contains($0.tag) }.map(
                    \.whole)
            }
            return protected
        }
    }
}
