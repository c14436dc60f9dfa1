import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

/// A signature that asks for unbounded work is refused before any cryptography runs.
@Suite("Verification limits: repeated and excessive SignerInfos, oversized certificate sets")
struct VerificationLimitsTests {
    let pki: TestPKI
    let content: URL

    init() throws {
        pki = try TestPKI()
        content = try pki.write("to-trinh.pdf", Data("%PDF-1.7 Tờ trình\n".utf8))
    }

    /// `der` with its SignedData's SignerInfos, or its certificates, replaced.
    static func rewriting(
        _ der: Data, signerInfos: (([Data]) -> [Data])? = nil, certificates: (([Data]) -> [Data])? = nil
    ) throws -> Data {
        let outer = try #require(DER.elements(der)?.first)
        let contentInfo = try #require(DER.elements(outer.content))
        let wrapped = try #require(DER.elements(contentInfo[1].content)?.first)
        let signedData = try #require(DER.elements(wrapped.content))
        let fields = signedData.map { field -> Data in
            switch field.tag {
            case 0x31 where field.element == signedData.last?.element:
                return DER.encode(
                    tag: 0x31,
                    DER.concatenate(signerInfos?(DER.elements(field.content)!.map(\.element)) ?? [field.content]))
            case 0xA0:
                return DER.encode(
                    tag: 0xA0,
                    DER.concatenate(certificates?(DER.elements(field.content)!.map(\.element)) ?? [field.content]))
            default:
                return field.element
            }
        }
        return DER.sequence(contentInfo[0].element, DER.encode(tag: 0xA0, DER.sequence(DER.concatenate(fields))))
    }

    func verify(_ signature: Data) throws -> FileReport {
        try pki.verifier().verify(content: content, signature: signature, expecting: .document)
    }

    @Test func aRepeatedSignerInfoIsRefused() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        #expect(try verify(signature).verdict == .passed)
        let repeated = try Self.rewriting(signature, signerInfos: { $0 + [$0[1]] })
        let report = try verify(repeated)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .formatFailure))
        #expect(report.checks.contains { $0.detail.contains("SignerInfo 3 repeats SignerInfo 2") }, "\(report.checks)")
        #expect(report.signatures.isEmpty, "nothing was verified")
        #expect(try pki.verifier().limitViolation(in: repeated) != nil)
    }

    @Test func tenThousandSealsAreRefusedAtOnce() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let flood = try Self.rewriting(
            signature, signerInfos: { infos in (0..<10_000).map { infos[$0 % infos.count] } })
        let started = ContinuousClock.now
        let report = try verify(flood)
        #expect(report.checks.contains { $0.detail.contains("more than 8 SignerInfos") }, "\(report.checks)")
        #expect(report.signatures.isEmpty)
        #expect(ContinuousClock.now - started < .seconds(5), "refused from the framing, without verifying")
    }

    @Test func tooManyCertificatesAreRefused() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let padded = try Self.rewriting(
            signature, certificates: { certificates in (0..<65).map { certificates[$0 % certificates.count] } })
        #expect(try verify(padded).checks.contains { $0.detail.contains("more than 64 certificates") })
        var limits = VerificationLimits()
        limits.signatureBytes = 1000
        #expect(limits.violation(in: signature)?.contains("bytes") == true)
    }

    @Test func aBERSignatureIsHeldToTheSameLimits() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let flood = try Self.rewriting(signature, signerInfos: { infos in (0..<200).map { infos[$0 % infos.count] } })
        // The outer SEQUENCE with an indefinite length: BER that OpenSSL reads and the DER framing does not.
        let outer = try #require(DER.elements(flood)?.first)
        let ber = Data([0x30, 0x80]) + outer.content + Data([0x00, 0x00])
        #expect(VerificationLimits.standard.violation(in: ber) == nil, "the framing cannot count it")
        let report = try verify(ber)
        #expect(report.checks.contains { $0.detail.contains("more than 8 SignerInfos") }, "\(report.checks)")
        #expect(report.signatures.isEmpty)
    }

    @Test func aSignatureKeepingTooManyCRLsIsRefusedUnparsed() async throws {
        let crls = try (0..<33).map { _ in try pki.intermediate.makeRevocationList(revoked: []) }
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal,
            timeStamper: pki.tsa, evidence: RevocationEvidence(crls: crls))
        let report = try verify(signature)
        #expect(report.verdict.indication == .totalFailed)
        #expect(
            report.signatures.allSatisfy { $0.checks.contains { $0.id == .revocationValues && $0.result == .failed } }
        )
    }

    @Test func deepNestingIsRefusedWithoutExhaustingTheStack() {
        var nested = Data([0x05, 0x00])
        for _ in 0..<50_000 { nested = DER.encode(tag: 0x30, nested) }
        #expect(nested.withUnsafeBytes { DER.isCanonical($0, 0..<$0.count) } == false)
        var shallow = Data([0x05, 0x00])
        for _ in 0..<10 { shallow = DER.encode(tag: 0x30, shallow) }
        #expect(shallow.withUnsafeBytes { DER.isCanonical($0, 0..<$0.count) })
    }
}
