import CLienThongCrypto
import COpenSSL
import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

@Suite("RFC 3161 time stamps on every signature (CAdES-T)")
struct TimeStampTests {
    let pki: TestPKI
    let content: URL

    init() throws {
        pki = try TestPKI()
        content = try pki.write("quyet-dinh.pdf", Data("%PDF-1.7 Quyết định\n".utf8))
    }

    func signStamped(signer: SigningIdentity? = nil, seal: SigningIdentity? = nil) async throws -> Data {
        try await DetachedSigner().sign(
            content: content, signer: signer ?? pki.signer, seal: seal ?? pki.seal, timeStamper: pki.tsa)
    }

    @Test func everySignatureCarriesAVerifiedTimeStamp() async throws {
        let before = Date().addingTimeInterval(-2)
        let report = try pki.verifier().verify(
            content: content, signature: try await signStamped(), expecting: .document)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
        for signature in report.signatures {
            let stamped = try #require(signature.timeStampedAt)
            #expect(stamped >= before && stamped <= Date().addingTimeInterval(2))
            #expect(signature.timeStampAuthority == "Test TSA")
            #expect(signature.validatedAt == stamped)
            #expect(signature.checks.contains { $0.id == .timeStamp && $0.result == .passed })
        }
    }

    @Test func stockOpenSSLVerifiesOurTimeStampTokens() async throws {
        let signature = try await signStamped()
        let parts = try #require(SignatureVerifier.parse(signature))
        defer { CMS_ContentInfo_free(parts) }
        let info = shim_sk_CMS_SignerInfo_value(CMS_get0_SignerInfos(parts), 0)
        var token: UnsafePointer<UInt8>?
        let length = shim_cms_unsigned_sequence(info, NID_id_smime_aa_timeStampToken, 0, &token)
        #expect(length > 0)
        let tokenFile = try pki.write("token.tst", Data(bytes: token!, count: Int(length)))
        let value = try pki.write("signature-value.bin", Data(asn1: CMS_SignerInfo_get0_signature(info)!))
        let roots = try pki.writePEM("roots.pem", [pki.root.certificate])
        let untrusted = try pki.writePEM("tsa-chain.pem", [pki.tsa.identity.certificate, pki.intermediate.certificate])
        let result = try run(
            "openssl",
            [
                "ts", "-verify", "-token_in", "-in", tokenFile.path, "-data", value.path,
                "-CAfile", roots.path, "-untrusted", untrusted.path,
            ])
        #expect(result.status == 0, "\(result.output)")
        #expect(result.output.contains("Verification: OK"))
    }

    /// Another authority's token (`openssl ts -reply`) over SHA-256, signed by the authority over SHA-1: refused, as
    /// a signature over SHA-1 is (Circular 15/2025/TT-BKHCN); the same token signed over SHA-256 holds.
    @Test(arguments: zip(["sha1", "sha256"], [false, true]))
    func aTimeStampItsAuthoritySignedOverSHA1IsRefused(_ digest: String, holds: Bool) throws {
        let data = Data("Quyết định số 12/QĐ-UBND".utf8)
        let file = try pki.write("stamped-\(digest).bin", data)
        let key = try pki.writeKey("tsa-\(digest).key", pki.tsa.identity.key)
        let certificate = try pki.writePEM("tsa-\(digest).pem", [pki.tsa.identity.certificate])
        let chain = try pki.writePEM("tsa-chain-\(digest).pem", [pki.intermediate.certificate])
        let serial = try pki.write("serial-\(digest)", Data("01\n".utf8))
        let config = try pki.write(
            "tsa-\(digest).cnf",
            Data(
                """
                [ tsa ]
                default_tsa = tsa_config
                [ tsa_config ]
                serial = \(serial.path)
                signer_digest = \(digest)
                default_policy = 1.2.3.4.1
                digests = sha256
                ess_cert_id_alg = sha256
                """.utf8))
        let query = pki.directory.appendingPathComponent("query-\(digest).tsq")
        let token = pki.directory.appendingPathComponent("token-\(digest).der")
        let asked = try run("openssl", ["ts", "-query", "-data", file.path, "-sha256", "-cert", "-out", query.path])
        #expect(asked.status == 0, "\(asked.output)")
        let reply = try run(
            "openssl",
            [
                "ts", "-reply", "-config", config.path, "-queryfile", query.path, "-signer", certificate.path,
                "-inkey", key.path, "-passin", "pass:\(TestPKI.passphrase)", "-chain", chain.path, "-token_out",
                "-out", token.path,
            ])
        #expect(reply.status == 0, "\(reply.output)")
        let report = try pki.verifier().verifyDocumentTimeStamp(
            try Data(contentsOf: token), over: .byteRanges(ByteSource(data), [0..<data.count]), name: "stamped")
        let check = try #require(report.checks.first { $0.id == .timeStamp })
        #expect((check.result != .failed) == holds, "\(check.detail)")
        #expect(holds || check.detail.contains("signed by its authority with SHA1"), "\(check.detail)")
    }

    @Test func theTimeStampIsProofOfExistenceYearsLater() async throws {
        let signature = try await signStamped()
        let tenYearsOn = Date().addingTimeInterval(10 * 365 * 86_400)
        let later = try pki.verifier(at: tenYearsOn)
            .verify(content: content, signature: signature, expecting: .document)
        #expect(later.verdict == .passed, "\(later.signatures.map(\.checks))")
        // Without the time stamp the same signature could have been made after expiry.
        let unstamped = try await DetachedSigner().sign(content: content, signer: pki.signer, seal: pki.seal)
        let noProof = try pki.verifier(at: tenYearsOn)
            .verify(content: content, signature: unstamped, expecting: .document)
        #expect(noProof.verdict == Verdict(indication: .indeterminate, subIndication: .outOfBoundsNoPOE))
    }

    @Test func aCertificateThatExpiredBeforeTheTimeStampFails() async throws {
        let expired = try TestPKI.identity(
            pki.intermediate, name: "Lò Văn Hết Hạn", role: .signer,
            notBefore: Date().addingTimeInterval(-86_400 * 30), notAfter: Date().addingTimeInterval(-60))
        let report = try pki.verifier()
            .verify(content: content, signature: try await signStamped(signer: expired), expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .expired))
    }

    @Test func aCertificateNotYetValidAtTheTimeStampFails() async throws {
        let future = try TestPKI.identity(
            pki.intermediate, name: "Lò Văn Chưa Đến", role: .signer,
            notBefore: Date().addingTimeInterval(86_400), notAfter: Date().addingTimeInterval(86_400 * 400))
        let report = try pki.verifier()
            .verify(content: content, signature: try await signStamped(signer: future), expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .notYetValid))
    }

    @Test func aTimeStampFromAnUntrustedAuthorityIsNotProof() async throws {
        let stranger = try TestPKI.independent()
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: stranger.tsa)
        let report = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(report.signatures.allSatisfy { $0.timeStampedAt == nil })
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .noCertificateChainFound))
        #expect(report.signatures[0].checks.contains { $0.id == .timeStamp && $0.detail.contains("not trusted") })
    }

    /// The TSA's own certificate is checked for revocation at the time it stamped: revoked
    /// before then, its tokens prove no time; with no CRL for it, the report says so.
    @Test func aTimeStampByARevokedAuthorityProvesNoTime() async throws {
        let signature = try await signStamped()
        let revoked = RevocationEvidence(crls: [
            try pki.root.makeRevocationList(revoked: []),
            try pki.intermediate.makeRevocationList(revoked: [
                (pki.tsa.identity.certificate, Date().addingTimeInterval(-600))
            ]),
        ])
        let report = SignatureVerifier(trust: try pki.trust, evidence: revoked).verify(
            content: content, signature: signature, expecting: .document)
        #expect(report.signatures.allSatisfy { $0.timeStampedAt == nil })
        #expect(
            report.signatures[0].checks.contains {
                $0.id == .timeStamp && $0.result == .failed && $0.subIndication == .revoked
            })

        let good = try pki.verifier().verify(content: content, signature: signature, expecting: .document)
        #expect(
            good.signatures[0].checks.contains {
                $0.id == .timeStamp && $0.result == .passed && $0.detail.contains("not revoked")
            })

        // Only the root's CRL: the TSA's issuer says nothing, so the stamp stands with a warning.
        let partial = RevocationEvidence(crls: [try pki.root.makeRevocationList(revoked: [])])
        let unknown = SignatureVerifier(trust: try pki.trust, evidence: partial, revocationPolicy: .ifAvailable)
            .verify(content: content, signature: signature, expecting: .document)
        #expect(unknown.signatures.allSatisfy { $0.timeStampedAt != nil })
        #expect(unknown.signatures[0].checks.contains { $0.id == .timeStamp && $0.result == .warning })
    }

    @Test func aTSACertificateWithoutTheTimeStampingEKUIsRefused() async throws {
        let notATSA = TimeStampAuthority(identity: pki.seal)
        await #expect(throws: CryptoError.self) { try await notATSA.timeStampToken(for: Data("x".utf8)) }
    }

    @Test func theTokenIsTakenFromTheResponseAsSentAndARefusalSaysSo() throws {
        let response = try pki.tsa.respond(
            to: TimeStampProtocol.request(imprint: Digest.bytes(Data("x".utf8), .sha256), algorithm: .sha256))
        let token = try TimeStampProtocol.token(fromResponse: response)
        // The token is the response's last element, byte for byte.
        #expect(response.suffix(token.count) == token && token.count > 100)

        func message(_ der: [UInt8]) -> String {
            do {
                _ = try TimeStampProtocol.token(fromResponse: Data(der))
                return "accepted"
            } catch { return "\(error)" }
        }
        #expect(message([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x02]).contains("refused the request (PKIStatus 2)"))
        #expect(message([0x30, 0x05, 0x30, 0x03, 0x02, 0x01, 0x00]).contains("sent no token"))
        // A granted status with something other than a SignedData ContentInfo after it.
        #expect(
            message([0x30, 0x09, 0x30, 0x03, 0x02, 0x01, 0x00, 0x30, 0x02, 0x05, 0x00]).contains(
                "not an RFC 3161 response"))
        #expect(message(Array("<html>".utf8)).contains("not an RFC 3161 response"))
        #expect(message(Array(response.dropLast())).contains("not an RFC 3161 response"))
    }
}
