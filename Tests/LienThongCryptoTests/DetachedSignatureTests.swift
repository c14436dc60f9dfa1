import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

@Suite("Detached signatures: signer, then seal")
struct DetachedSignatureTests {
    let pki: TestPKI
    let content: URL

    init() throws {
        pki = try TestPKI()
        content = try pki.write("chi-thi.pdf", Data("%PDF-1.7 Chỉ thị về cải cách hành chính năm 2026\n".utf8))
    }

    @Test func documentSignedAndSealedPassesEveryCheck() async throws {
        let signature = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == .passed, "\(report.checks) \(report.signatures.map(\.checks))")
        #expect(report.signatures.map(\.role) == [.signer, .seal])
        #expect(report.signatures[0].commonName == "Nguyễn Văn An")
        #expect(
            report.signatures.allSatisfy { $0.signatureAlgorithm == "RSASSA-PSS" && $0.digestAlgorithm == "SHA-256" })
        #expect(report.checks.contains { $0.id == .sealBinding && $0.result == .passed })
        #expect(report.sha256 == (try Digest.sha256(of: content)))
        #expect(report.signatures[0].chain.count == 3)
    }

    @Test func stockOpenSSLVerifiesOurSignature() async throws {
        let signature = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        let p7s = try pki.write("chi-thi.pdf.p7s", signature)
        let roots = try pki.writePEM("root.pem", [pki.root.certificate])
        let result = try run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.path,
                "-content", content.path, "-CAfile", roots.path, "-out", "/dev/null",
            ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Verification successful"))
        let printed = try run("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", p7s.path])
        #expect(printed.output.contains("id-smime-aa-signingCertificateV2"))
        #expect(printed.output.contains("rsassaPss"))
    }

    /// Our SignedData is written by hand: stock OpenSSL must verify it in every mode, and re-encoding
    /// it must give the same bytes, which holds only for canonical DER (sorted SETs, minimal lengths).
    @Test(arguments: [
        (DigestAlgorithm.sha256, RSAPadding.pss, PrivateKey.Kind.rsa(bits: 2048)),
        (.sha384, .pkcs1v15, .rsa(bits: 3072)),
        (.sha512, .pss, .rsa(bits: 2048)), (.sha256, .pss, .ecdsaP256), (.sha384, .pss, .ecdsaP384),
    ])
    func everyModeIsCanonicalDERThatOpenSSLVerifies(
        digest: DigestAlgorithm, padding: RSAPadding, kind: PrivateKey.Kind
    ) async throws {
        let signer = try TestPKI.identity(pki.intermediate, name: "Nguyễn Văn Mode", role: .signer, kind: kind)
        let seal = try TestPKI.identity(pki.intermediate, name: "UBND Mode", role: .seal, kind: kind)
        let signature = try await DetachedSigner(digest: digest, padding: padding).sign(
            content: content, signer: signer, seal: seal)
        let p7s = try pki.write("mode.p7s", signature)
        let roots = try pki.writePEM("root.pem", [pki.root.certificate])
        let verified = try run(
            "openssl",
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", p7s.path,
                "-content", content.path, "-CAfile", roots.path, "-out", "/dev/null",
            ])
        #expect(verified.status == 0 && verified.output.contains("Verification successful"), "\(verified.output)")
        let reencoded = pki.directory.appendingPathComponent("mode-again.p7s")
        #expect(
            try run(
                "openssl",
                ["cms", "-cmsout", "-inform", "DER", "-in", p7s.path, "-outform", "DER", "-out", reencoded.path]
            ).status == 0)
        #expect(try Data(contentsOf: reencoded) == signature)
        #expect(
            try pki.verifier().verify(content: content, signature: signature, expecting: .document).verdict == .passed)
    }

    @Test func oneChangedByteIsAHashFailure() async throws {
        let signature = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        var bytes = try Data(contentsOf: content)
        bytes[5] ^= 0x01
        try bytes.write(to: content)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .hashFailure))
    }

    @Test func oneChangedByteInTheSignatureValueIsACryptoFailure() async throws {
        var signature = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        // The last bytes of the DER are the seal's signature value.
        signature[signature.count - 10] ^= 0x01
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .sigCryptoFailure))
    }

    @Test func aTamperedSignedAttributeIsACryptoFailure() async throws {
        var signature = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        let signingTime: [UInt8] = [
            0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05, 0x31, 0x0F, 0x17, 0x0D,
        ]
        let at = try #require(signature.firstRange(of: signingTime))
        signature[at.upperBound + 2] ^= 0x01  // the month of the person's signing-time
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.signatures[0].verdict == Verdict(indication: .totalFailed, subIndication: .sigCryptoFailure))
        #expect(report.signatures[0].checks.contains { $0.id == .messageDigest && $0.result == .passed })
        #expect(report.signatures[1].verdict == .passed)
    }

    @Test func aBrokenChainHasNoPath() async throws {
        // The intermediate is neither in the signature nor offered by the verifier.
        let orphan = try SigningIdentity(certificate: pki.signer.certificate, key: pki.signer.key, intermediates: [])
        let sealOrphan = try SigningIdentity(certificate: pki.seal.certificate, key: pki.seal.key, intermediates: [])
        let signature = try await DetachedSigner().sign(content: content, signer: orphan, seal: sealOrphan)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .noCertificateChainFound))
        let withIntermediate = try TrustStore(
            anchors: [pki.root.certificate], intermediates: [pki.intermediate.certificate])
        #expect(
            SignatureVerifier(trust: withIntermediate, evidence: try pki.crls).verify(
                content: content, signature: signature, expecting: .document
            ).verdict == .passed)
    }

    @Test func aSealLiftedOntoAnotherSignatureFails() async throws {
        let forged = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: nil,
            evidence: nil, sealOver: Data("another person's signature".utf8))
        let report = try pki.verifier().verify(content: content, signature: forged, expecting: .document)
        #expect(report.signatures.allSatisfy { $0.verdict == .passed })
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .sigConstraintsFailure))
        #expect(
            report.checks.contains {
                $0.id == .sealBinding && $0.result == .failed && $0.detail.contains("different signature")
            })
    }

    @Test func garbageIsAFormatFailure() async throws {
        let report = try pki.verifier().verify(
            content: content, signature: Data("not a signature".utf8), expecting: .any)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .formatFailure))
    }

    @Test func aSignerOutsideTheTrustAnchorsHasNoChain() async throws {
        let stranger = try TestPKI.independent()
        let signature = try await DetachedSigner().sign(content: content, signer: stranger.signer, seal: stranger.seal)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .noCertificateChainFound))
    }

    @Test func aDocumentWithoutTheSealFails() async throws {
        let signature = try await DetachedSigner().sign(content: content, signer: nil, seal: pki.signer)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .sigConstraintsFailure))
        #expect(report.checks.contains { $0.id == .agencySealPresent && $0.result == .failed })
    }

    @Test func aSealAloneIsAValidAttachmentButNotADocument() async throws {
        let signature = try await DetachedSigner().sign(content: content, signer: nil, seal: pki.seal)
        let verifier = try pki.verifier()
        #expect(verifier.verify(content: content, signature: signature, expecting: .attachment).verdict == .passed)
        let asDocument = verifier.verify(content: content, signature: signature, expecting: .document)
        #expect(asDocument.checks.contains { $0.id == .signerSignaturePresent && $0.result == .failed })
    }

    @Test func expiredSignerIsNotAPass() async throws {
        let old = try TestPKI.identity(
            pki.intermediate, name: "Lò Văn Cũ", role: .signer,
            notBefore: Date().addingTimeInterval(-86_400 * 400), notAfter: Date().addingTimeInterval(-86_400))
        let signature = try await DetachedSigner().sign(content: content, signer: old, seal: pki.seal)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict.indication != .totalPassed)
        #expect(report.signatures[0].checks.contains { $0.id == .certificateChain && $0.detail.contains("expired") })
    }

    @Test func aCertificateNotIssuedForSigningIsRefused() async throws {
        let encipher = try TestPKI.identity(
            pki.intermediate, name: "Sai mục đích", role: .signer, profile: .keyEncipherment)
        let signature = try await DetachedSigner().sign(content: content, signer: nil, seal: encipher)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .any)
        #expect(report.signatures[0].checks.contains { $0.id == .keyUsage && $0.result == .failed })
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .chainConstraintsFailure))
    }

    @Test(arguments: [PrivateKey.Kind.ecdsaP256, .ecdsaP384])
    func ecdsaSignaturesVerify(kind: PrivateKey.Kind) async throws {
        let signer = try TestPKI.identity(pki.intermediate, name: "Nguyễn Thị Bình", role: .signer, kind: kind)
        let seal = try TestPKI.identity(pki.intermediate, name: "UBND xã Na Son", role: .seal, kind: kind)
        let signature = try await DetachedSigner(digest: .sha384).sign(content: content, signer: signer, seal: seal)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
    }

    /// Every algorithm and parameter set a stock signer writes: PKCS#1 v1.5, RSA-PSS with its
    /// default and with explicit salt lengths and digests, ECDSA; in DER and in PEM.
    @Test(arguments: [
        (["-md", "sha256"], PrivateKey.Kind?.none, "DER"),
        (["-md", "sha256", "-keyopt", "rsa_padding_mode:pss"], nil, "DER"),
        (["-md", "sha384", "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:20"], nil, "DER"),
        (["-md", "sha512", "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:max"], nil, "PEM"),
        (["-md", "sha256"], .ecdsaP256, "DER"),
        (["-md", "sha384"], .ecdsaP384, "PEM"),
    ])
    func signaturesMadeByStockOpenSSLVerify(options: [String], ecdsa: PrivateKey.Kind?, format: String) async throws {
        let signer =
            try ecdsa.map { try TestPKI.identity(pki.intermediate, name: "Nguyễn Thị Bình", role: .signer, kind: $0) }
            ?? pki.signer
        let seal =
            try ecdsa.map { try TestPKI.identity(pki.intermediate, name: "UBND xã Na Son", role: .seal, kind: $0) }
            ?? pki.seal
        let signature = try opensslSign(signer: signer, seal: seal, options: options, format: format)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
        // No binding attribute: the order cannot be proven, and the report says so.
        #expect(report.checks.contains { $0.id == .sealBinding && $0.result == .warning })
    }

    /// The PSS parameters are part of what is verified: a salt length changed in the
    /// AlgorithmIdentifier (24 to 32, its value byte rewritten) no longer verifies.
    @Test func changedPSSParametersAreACryptoFailure() async throws {
        let options = ["-md", "sha256", "-keyopt", "rsa_padding_mode:pss", "-keyopt", "rsa_pss_saltlen:24"]
        var signature = try opensslSign(signer: pki.signer, seal: pki.seal, options: options, format: "DER")
        // saltLength [2] EXPLICIT INTEGER 24: A2 03 02 01 18.
        let salt = try #require(signature.firstRange(of: Data([0xA2, 0x03, 0x02, 0x01, 0x18])))
        signature[salt.upperBound - 1] = 0x20
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict.subIndication == .sigCryptoFailure, "\(report.signatures.map(\.checks))")
    }

    private func opensslSign(
        signer: SigningIdentity, seal: SigningIdentity, options: [String], format: String
    ) throws -> Data {
        let signerCert = try pki.writePEM("signer.pem", [signer.certificate])
        let signerKey = try pki.writeKey("signer.key", signer.key)
        let sealCert = try pki.writePEM("seal.pem", [seal.certificate])
        let sealKey = try pki.writeKey("seal.key", seal.key)
        let chain = try pki.writePEM("chain.pem", [pki.intermediate.certificate])
        let out = pki.directory.appendingPathComponent("openssl.p7s")
        let result = try run(
            "openssl",
            [
                "cms", "-sign", "-binary", "-in", content.path, "-outform", format, "-out", out.path,
                "-signer", signerCert.path, "-inkey", signerKey.path,
            ] + options + ["-signer", sealCert.path, "-inkey", sealKey.path] + options + [
                "-certfile", chain.path,
                "-passin", "pass:\(TestPKI.passphrase)",
            ])
        #expect(result.status == 0, "\(result.output)")
        return try Data(contentsOf: out)
    }
}
