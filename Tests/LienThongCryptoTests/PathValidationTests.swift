import COpenSSL
import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

/// RFC 5280 §6.1 path validation beyond what the conformance cases show with this PKI's own
/// certificates: validity bounds, policies, the strict profile, other paths and other anchors.
@Suite("Path validation: RFC 5280 rules, anchors and alternative paths")
struct PathValidationTests {
    let pki: TestPKI

    init() throws { pki = try TestPKI() }

    var crls: RevocationEvidence { get throws { try pki.crls } }

    func validate(
        _ certificate: Certificate, trust: TrustStore? = nil, untrusted: [Certificate]? = nil, at time: Date = Date(),
        purpose: CertificatePurpose = .signer
    ) throws -> CertificateReport {
        try (trust ?? pki.trust).validate(
            certificate, untrusted: untrusted ?? [pki.intermediate.certificate], at: time,
            purpose: purpose, evidence: try crls)
    }

    @Test func notAfterIsTheLastValidSecond() throws {
        let end = Date(timeIntervalSince1970: (Date().timeIntervalSince1970 + 86_400).rounded(.down))
        let signer = try TestPKI.identity(pki.intermediate, name: "Lê Văn Cường", role: .signer, notAfter: end)
        #expect(try validate(signer.certificate, at: end).verdict == .passed)
        let after = try validate(signer.certificate, at: end.addingTimeInterval(1))
        #expect(after.verdict == Verdict(indication: .totalFailed, subIndication: .expired))
    }

    @Test func anIntermediateCanBeTheTrustAnchor() throws {
        let file = try pki.writePEM("ca-phuc-vu-co-quan-nha-nuoc.pem", [pki.intermediate.certificate])
        let store = try TrustStore.load([file])
        #expect(store.anchors == [pki.intermediate.certificate])
        let report = try validate(pki.signer.certificate, trust: store, untrusted: [])
        #expect(report.verdict == .passed, "\(report.checks)")
        #expect(report.chain.last == pki.intermediate.certificate.subject)
        // Beside its root, the intermediate only helps build paths.
        let both = try TrustStore.load([
            try pki.writePEM("both.pem", [pki.root.certificate, pki.intermediate.certificate])
        ])
        #expect(both.anchors == [pki.root.certificate])
        #expect(both.intermediates == [pki.intermediate.certificate])
    }

    @Test func purposeAnyAsksForThePathAlone() throws {
        let encryption = try TestPKI.identity(
            pki.intermediate, name: "Máy chủ thư", role: .signer, profile: .keyEncipherment)
        #expect(try validate(encryption.certificate, purpose: .any).verdict == .passed)
        #expect(
            try validate(encryption.certificate, purpose: .signer).verdict
                == Verdict(
                    indication: .indeterminate,
                    subIndication: .chainConstraintsFailure))
    }

    @Test func requireExplicitPolicyIsEnforced() throws {
        func intermediate(policies: String?) throws -> CertificateIssuer {
            let key = try TestPKI.key()
            var extensions: [(nid: Int32, value: String)] = [
                (NID_policy_constraints, "critical,requireExplicitPolicy:0")
            ]
            if let policies { extensions.append((NID_certificate_policies, policies)) }
            return CertificateIssuer(
                certificate: try pki.root.issue(
                    subject: [("C", "VN"), ("CN", "Policy CA")], publicKey: key,
                    profile: .intermediateCA, additionalExtensions: extensions),
                key: key)
        }
        // The CA asserts no policy, so no policy is valid for the path, and the CA demands one.
        let strict = try intermediate(policies: nil)
        let leaf = try TestPKI.identity(strict, name: "Phạm Thị Dung", role: .signer)
        let refused = try validate(leaf.certificate, untrusted: [strict.certificate], purpose: .any)
        #expect(refused.verdict == Verdict(indication: .indeterminate, subIndication: .chainConstraintsFailure))
        #expect(
            refused.checks.contains { $0.id == .certificateChain && $0.detail.contains("polic") }, "\(refused.checks)"
        )
        // With anyPolicy asserted, the leaf's policy is valid for the path.
        let permissive = try intermediate(policies: "2.5.29.32.0")
        let accepted = try TestPKI.identity(permissive, name: "Phạm Thị Dung", role: .signer)
        let evidence = RevocationEvidence(crls: try pki.crls.crls + [try permissive.makeRevocationList(revoked: [])])
        let report = try pki.trust.validate(
            accepted.certificate, untrusted: [permissive.certificate], purpose: .any, evidence: evidence)
        #expect(report.verdict == .passed, "\(report.checks)")
    }

    @Test func aRoleTheCAsPoliciesLeaveOutIsNotGranted() throws {
        func intermediate(policies: String) throws -> CertificateIssuer {
            let key = try TestPKI.key()
            return CertificateIssuer(
                certificate: try pki.root.issue(
                    subject: [("C", "VN"), ("CN", "CA cá nhân")], publicKey: key, profile: .intermediateCA,
                    additionalExtensions: [(NID_certificate_policies, policies)]),
                key: key)
        }
        func validate(_ role: CertificateRole, under ca: CertificateIssuer) throws -> CertificateReport {
            let leaf = try TestPKI.identity(ca, name: "UBND xã Mường Phăng", role: role)
            let evidence = RevocationEvidence(crls: try pki.crls.crls + [try ca.makeRevocationList(revoked: [])])
            return try pki.trust.validate(
                leaf.certificate, untrusted: [ca.certificate], purpose: role == .seal ? .seal : .signer,
                evidence: evidence)
        }
        // A CA certified for persons' signatures only cannot make an agency's seal.
        let persons = try intermediate(policies: CertificateRole.signer.policyOID)
        let seal = try validate(.seal, under: persons)
        #expect(seal.verdict == Verdict(indication: .indeterminate, subIndication: .chainConstraintsFailure))
        #expect(seal.checks.contains { $0.detail.contains("do not allow") }, "\(seal.checks)")
        #expect(try validate(.signer, under: persons).verdict == .passed)
        // anyPolicy, or a CA that asserts no policies (as the demo CAs), allows every role.
        #expect(try validate(.seal, under: try intermediate(policies: "2.5.29.32.0")).verdict == .passed)
        #expect(try validate(.seal, under: pki.intermediate).verdict == .passed)
    }

    @Test func theStrictProfileRefusesALeafThatMaySignCertificates() throws {
        let key = try TestPKI.key()
        let leaf = try pki.intermediate.issue(
            subject: [("CN", "Không phải CA")], publicKey: key, profile: .endEntity(.signer),
            additionalExtensions: [(NID_key_usage, "critical,digitalSignature,keyCertSign")])
        let report = try validate(leaf, purpose: .any)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .chainConstraintsFailure))
        #expect(
            report.checks.contains { $0.id == .certificateChain && $0.detail.contains("keyCertSign") },
            "\(report.checks)")
    }

    @Test func anotherPathIsTriedWhenTheFirstOneFails() throws {
        // The agency CA's key, certified also by a root nobody trusts: a dead end for path building.
        let stranger = try CertificateIssuer.makeRoot(subject: [("CN", "Untrusted Root")], key: TestPKI.key())
        let deadEnd = try stranger.issue(
            subject: [("C", "VN"), ("CN", "Test Agency CA")], publicKey: pki.intermediate.key,
            profile: .intermediateCA)
        for offered in [[deadEnd, pki.intermediate.certificate], [pki.intermediate.certificate, deadEnd]] {
            let report = try validate(pki.signer.certificate, untrusted: offered)
            #expect(report.verdict == .passed, "\(report.checks)")
            #expect(report.chain.last == pki.root.certificate.subject)
        }
    }

    @Test func aWeakKeyAnywhereOnThePathIsRefused() throws {
        let weakKey = try PrivateKey.generate(.rsa(bits: 1024))
        let weakCA = CertificateIssuer(
            certificate: try pki.root.issue(subject: [("CN", "Weak CA")], publicKey: weakKey, profile: .intermediateCA),
            key: weakKey)
        let leaf = try TestPKI.identity(weakCA, name: "Hoàng Văn Em", role: .signer)
        let report = try validate(leaf.certificate, untrusted: [weakCA.certificate], purpose: .any)
        #expect(
            report.checks.contains {
                $0.id == .certificateChain && $0.result == .failed && $0.detail.contains("1024-bit")
            },
            "\(report.checks)")
    }
}
