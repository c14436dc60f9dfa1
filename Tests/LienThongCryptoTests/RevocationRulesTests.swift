import COpenSSL
import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

/// Revocation that cannot be rolled back: every authentic piece of evidence counts, a revocation
/// before the proof-of-existence time wins, and RFC 5280 §5 and §6.3 decide which CRL is authentic.
@Suite("Revocation rules: all evidence together, RFC 5280 CRL processing")
struct RevocationRulesTests {
    let pki: TestPKI
    let content: URL
    let dayAgo = Date().addingTimeInterval(-86_400)

    init() throws {
        pki = try TestPKI()
        content = try pki.write("quyet-dinh.pdf", Data("%PDF-1.7 Quyết định\n".utf8))
    }

    /// Signed, sealed and time-stamped now, carrying both CAs' CRLs of two days ago (nothing revoked).
    func signWithStaleEvidence(_ signer: SigningIdentity) async throws -> Data {
        let twoDaysAgo = Date().addingTimeInterval(-2 * 86_400)
        let stale = RevocationEvidence(crls: [
            try pki.root.makeRevocationList(revoked: [], thisUpdate: twoDaysAgo),
            try pki.intermediate.makeRevocationList(revoked: [], thisUpdate: twoDaysAgo),
        ])
        return try await DetachedSigner().sign(
            content: content, signer: signer, seal: pki.seal, timeStamper: pki.tsa, evidence: stale)
    }

    func verify(_ signature: Data, _ crls: [RevocationList], policy: RevocationPolicy = .require) throws -> FileReport {
        SignatureVerifier(trust: try pki.trust, evidence: RevocationEvidence(crls: crls), revocationPolicy: policy)
            .verify(content: content, signature: signature, expecting: .document)
    }

    func revoking(
        _ certificate: Certificate, at date: Date, extensions: [(name: String, value: String)] = []
    ) throws -> RevocationList {
        try pki.intermediate.makeRevocationList(revoked: [(certificate, date)], extensions: extensions)
    }

    /// A certificate for signing CRLs, named `name`, that `root` issued, with its key.
    func makeCRLSigner(
        _ name: String, under root: CertificateIssuer, notBefore: Date = Date()
    ) throws -> CertificateIssuer {
        let key = try TestPKI.key()
        return CertificateIssuer(
            certificate: try root.issue(
                subject: [("C", "VN"), ("CN", name)], publicKey: key, profile: .revocationListSigner,
                notBefore: notBefore),
            key: key)
    }

    // MARK: - Finding 1: evidence kept in the signature cannot hide a newer revocation

    @Test func aStaleCRLKeptInTheSignatureCannotHideANewerRevocation() async throws {
        let signature = try await signWithStaleEvidence(pki.signer)
        let report = try verify(
            signature, [try pki.root.makeRevocationList(revoked: []), try revoking(pki.signer.certificate, at: dayAgo)])
        #expect(
            report.verdict == Verdict(indication: .totalFailed, subIndication: .revoked),
            "\(report.signatures.map(\.checks))")
        let revocation = report.signatures[0].revocation.first
        #expect(revocation?.status == .revoked)
        #expect(
            revocation?.source?.contains("issued") == true,
            "the report says which evidence decided and how fresh it was")
    }

    @Test func theSealRevokedBeforeTheTimeStampFailsTheDocument() async throws {
        let signature = try await signWithStaleEvidence(pki.signer)
        let report = try verify(
            signature, [try pki.root.makeRevocationList(revoked: []), try revoking(pki.seal.certificate, at: dayAgo)])
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .revoked))
        #expect(report.signatures.first { $0.role == .seal }?.verdict.subIndication == .revoked)
    }

    // MARK: - Finding 2: the order of the evidence does not matter

    @Test func theOrderOfCRLsDoesNotChangeTheVerdict() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let old = try pki.intermediate.makeRevocationList(
            revoked: [], thisUpdate: Date().addingTimeInterval(-3 * 86_400))
        let new = try revoking(pki.signer.certificate, at: dayAgo)
        let root = try pki.root.makeRevocationList(revoked: [])
        for order in [[root, old, new], [new, old, root], [old, root, new]] {
            #expect(try verify(signature, order).verdict.subIndication == .revoked)
        }
        // The check the daemon makes before it signs: any evidence it holds that shows a revocation refuses.
        for order in [[root, old, new], [new, root, old]] {
            let chain = try pki.trust.chain(of: pki.signer)
            let (check, _) = RevocationEvidence(crls: order).check(
                chain: chain, trust: try pki.trust, at: Date(), policy: .require)
            #expect(check.subIndication == .revoked)
        }
    }

    @Test func aDirectoryIsReadWholeWhateverTheFileNames() async throws {
        let directory = pki.directory.appendingPathComponent("crl")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Data(try pki.intermediate.makeRevocationList(revoked: [], thisUpdate: dayAgo).pem.utf8)
            .write(to: directory.appendingPathComponent("demo-agency-ca.crl"))
        try Data(try revoking(pki.seal.certificate, at: dayAgo).pem.utf8).write(
            to: directory.appendingPathComponent("zz-new.crl"))
        let evidence = try RevocationEvidence.load([directory])
        let chain = try pki.trust.chain(of: pki.seal)
        #expect(
            evidence.check(chain: chain, trust: try pki.trust, at: Date(), policy: .ifAvailable).0.subIndication
                == .revoked)
    }

    // MARK: - Finding 3: a PEM bundle holds several CRLs

    @Test func everyCRLOfAPEMBundleIsRead() async throws {
        let bundle = try pki.write(
            "bundle.pem",
            Data(
                (try pki.root.makeRevocationList(revoked: []).pem
                    + revoking(pki.signer.certificate, at: dayAgo).pem).utf8))
        let evidence = try RevocationEvidence.load([bundle])
        #expect(evidence.crls.count == 2)
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        #expect(try verify(signature, evidence.crls).verdict.subIndication == .revoked)
        // A broken block after good ones is an error, not a shorter bundle.
        let broken = try pki.write(
            "broken.pem",
            Data(
                (try pki.root.makeRevocationList(revoked: []).pem
                    + "-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n").utf8))
        #expect(throws: CryptoError.self) { try RevocationEvidence.load([broken]) }
    }

    // MARK: - Finding 4: RFC 5280 §5 and §6.3.3

    @Test func aCRLWithAnUnknownCriticalExtensionIsNotUsed() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let odd = try pki.intermediate.makeRevocationList(
            revoked: [], extensions: [("1.3.6.1.4.1.55555.1", "critical,DER:05:00")])
        let report = try verify(signature, [try pki.root.makeRevocationList(revoked: []), odd], policy: .ifAvailable)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
        #expect(
            report.signatures[0].checks.contains { $0.id == .revocation && $0.detail.contains("critical extension") })
    }

    @Test func aCRLForAnotherPartitionSaysNothingOfTheCertificate() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let root = try pki.root.makeRevocationList(revoked: [])
        // A CRL of CA certificates only, even one listing the signer, neither clears nor revokes a leaf.
        let caOnly = try revoking(
            pki.signer.certificate, at: dayAgo, extensions: [("issuingDistributionPoint", "critical,onlyCA:TRUE")])
        let report = try verify(signature, [root, caOnly])
        #expect(
            report.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater),
            "\(report.signatures.map(\.checks))")
        // A CRL of end-entity certificates only does speak of it.
        let usersOnly = try revoking(
            pki.signer.certificate, at: dayAgo, extensions: [("issuingDistributionPoint", "critical,onlyuser:TRUE")])
        #expect(try verify(signature, [root, usersOnly]).verdict.subIndication == .revoked)
        // A CRL for a named distribution point the certificate does not name.
        let elsewhere = try pki.intermediate.makeRevocationList(
            revoked: [],
            extensions: [("issuingDistributionPoint", "critical,fullname:URI:http://crl.example.vn/part2.crl")])
        #expect(try verify(signature, [root, elsewhere]).verdict.subIndication == .tryLater)
    }

    @Test func aDeltaOrPartialCRLRevokesButCannotClearAlone() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let root = try pki.root.makeRevocationList(revoked: [])
        let emptyDelta = try pki.intermediate.makeRevocationList(
            revoked: [], extensions: [("2.5.29.27", "critical,DER:02:01:01")])
        let delta = try verify(signature, [root, emptyDelta], policy: .ifAvailable)
        #expect(delta.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
        #expect(delta.signatures[0].checks.contains { $0.id == .revocation && $0.detail.contains("delta CRL") })
        let revokingDelta = try revoking(
            pki.signer.certificate, at: dayAgo, extensions: [("2.5.29.27", "critical,DER:02:01:01")])
        #expect(try verify(signature, [root, revokingDelta]).verdict.subIndication == .revoked)
        let someReasons = try pki.intermediate.makeRevocationList(
            revoked: [], extensions: [("issuingDistributionPoint", "critical,onlysomereasons:keyCompromise")])
        #expect(try verify(signature, [root, someReasons]).verdict.subIndication == .tryLater)
        // With the complete CRL beside it, the signature stands.
        #expect(
            try verify(signature, [root, emptyDelta, try pki.intermediate.makeRevocationList(revoked: [])]).verdict
                == .passed)
    }

    @Test func aCRLSignedByTheCAsSeparateCRLKeyIsUsedAndAForgedOneIsNot() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let root = try pki.root.makeRevocationList(revoked: [])
        // The root certifies a CRL-signing key under the agency CA's name (RFC 5280 6.3.3 f).
        let crlSigner = try makeCRLSigner("Test Agency CA", under: pki.root)
        let separate = try crlSigner.makeRevocationList(revoked: [(pki.signer.certificate, dayAgo)])
        let trust = try TrustStore(anchors: [pki.root.certificate], intermediates: [crlSigner.certificate])
        let report = SignatureVerifier(trust: trust, evidence: RevocationEvidence(crls: [root, separate]))
            .verify(content: content, signature: signature, expecting: .document)
        #expect(
            report.verdict.subIndication == .revoked,
            "\(report.signatures.map { $0.checks.filter { $0.id == .revocation } })")
        #expect(report.signatures[0].revocation.first?.source?.contains("CRL key") == true)
        // The same name and key usage under another root proves nothing.
        let other = try TestPKI.independent()
        let foreign = try makeCRLSigner("Test Agency CA", under: other.root)
        let forged = try foreign.makeRevocationList(revoked: [])
        let lenient = SignatureVerifier(
            trust: try TrustStore(anchors: [pki.root.certificate], intermediates: [foreign.certificate]),
            evidence: RevocationEvidence(crls: [root, forged])
        )
        .verify(content: content, signature: signature, expecting: .document)
        #expect(lenient.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
    }

    @Test func aRevokedCRLKeyClearsNobody() async throws {
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let crlSigner = try makeCRLSigner(
            "Test Agency CA", under: pki.root, notBefore: Date().addingTimeInterval(-3 * 86_400))
        let trust = try TrustStore(anchors: [pki.root.certificate], intermediates: [crlSigner.certificate])
        let clearing = try crlSigner.makeRevocationList(revoked: [])
        let verify = { (rootCRL: RevocationList) in
            SignatureVerifier(trust: trust, evidence: RevocationEvidence(crls: [rootCRL, clearing]))
                .verify(content: self.content, signature: signature, expecting: .document)
        }
        // While the CRL key stands, its CRL clears the signer.
        #expect(verify(try pki.root.makeRevocationList(revoked: [])).verdict == .passed)
        // The root revoked the CRL key two days ago: what it signed since proves nothing.
        let keyRevoked = try pki.root.makeRevocationList(revoked: [
            (crlSigner.certificate, Date().addingTimeInterval(-2 * 86_400))
        ])
        #expect(verify(keyRevoked).verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
    }

    @Test func aCRLKeyRevokedByTheTimeCheckedClearsNobodyWhateverDateItsCRLGives() async throws {
        // The CRL's date is its signer's word: a key stolen after its revocation dates a CRL before it.
        let crlSigner = try makeCRLSigner("Test Agency CA", under: pki.root, notBefore: pki.root.certificate.notBefore)
        let trust = try TrustStore(anchors: [pki.root.certificate], intermediates: [crlSigner.certificate])
        let second = Duration.milliseconds(1_100)  // CRL and certificate times are in whole seconds
        try await Task.sleep(for: second)
        let backdated = try crlSigner.makeRevocationList(revoked: [])
        try await Task.sleep(for: second)
        let keyRevoked = try pki.root.makeRevocationList(revoked: [(crlSigner.certificate, Date())])
        try await Task.sleep(for: second)
        let signature = try await DetachedSigner().sign(
            content: content, signer: pki.signer, seal: pki.seal, timeStamper: pki.tsa)
        let report = SignatureVerifier(trust: trust, evidence: RevocationEvidence(crls: [keyRevoked, backdated]))
            .verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater), "\(report.verdict)")
    }

    @Test func aCRLSignerWithoutCRLSignIsNotAuthentic() async throws {
        let caKey = try TestPKI.key()
        let noCRLSign = CertificateIssuer(
            certificate: try pki.root.issue(
                subject: [("C", "VN"), ("CN", "Test Agency CA 2")], publicKey: caKey, profile: .intermediateCA,
                additionalExtensions: [(NID_key_usage, "critical,keyCertSign")]),
            key: caKey)
        #expect(noCRLSign.certificate.keyUsage.map { $0 & UInt32(KU_CRL_SIGN) } == 0)
        let signer = try TestPKI.identity(noCRLSign, name: "Trần Thị Bình", role: .signer)
        let signed = try await DetachedSigner().sign(
            content: content, signer: signer, seal: pki.seal, timeStamper: pki.tsa)
        let report = SignatureVerifier(
            trust: try pki.trust,
            evidence: RevocationEvidence(crls: [
                try pki.root.makeRevocationList(revoked: []), try pki.intermediate.makeRevocationList(revoked: []),
                try noCRLSign.makeRevocationList(revoked: []),
            ]), revocationPolicy: .ifAvailable
        ).verify(content: content, signature: signed, expecting: .document)
        let person = report.signatures.first { $0.role == .signer }
        #expect(person?.verdict.subIndication == .tryLater, "\(person?.checks ?? [])")
        #expect(person?.checks.contains { $0.detail.contains("cRLSign") } == true)
    }

    // MARK: - Indirect CRLs (RFC 5280 4.2.1.13, 5.2.5, 5.3.3, 6.3.3 b.2)

    /// A certificate whose distribution point names `authority` as its CRL issuer.
    func certificate(namingCRLIssuer authority: Certificate) throws -> Certificate {
        let name = X509_get_subject_name(authority.pointer)
        var bytes = [UInt8](repeating: 0, count: Int(i2d_X509_NAME(name, nil)))
        bytes.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            _ = i2d_X509_NAME(name, &cursor)
        }
        func element(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
            let count = content.count
            let length: [UInt8] = count < 128 ? [UInt8(count)] : [0x82, UInt8(count >> 8), UInt8(count & 0xFF)]
            return [tag] + length + content
        }
        // CRLDistributionPoints { DistributionPoint { cRLIssuer [2] { directoryName [4] Name } } }
        let points = element(0x30, element(0x30, element(0xA2, element(0xA4, bytes))))
        return try pki.intermediate.issue(
            subject: [("C", "VN"), ("CN", "Lê Văn Cường")], publicKey: try TestPKI.key(), profile: .endEntity(.signer),
            notBefore: Date().addingTimeInterval(-3600),
            additionalExtensions: [
                (NID_crl_distribution_points, "DER:" + points.map { String(format: "%02X", $0) }.joined(separator: ":"))
            ])
    }

    @Test func anIndirectCRLFromTheAuthorityACertificateNamesDecidesItsStatus() throws {
        let authority = try makeCRLSigner("Trung tâm CRL Chính phủ", under: pki.root)
        let leaf = try certificate(namingCRLIssuer: authority.certificate)
        let chain = [leaf, pki.intermediate.certificate, pki.root.certificate]
        let trust = try TrustStore(anchors: [pki.root.certificate], intermediates: [authority.certificate])
        let root = try pki.root.makeRevocationList(revoked: [])
        let indirect = [("issuingDistributionPoint", "critical,indirectCRL:TRUE")]
        let check = { (crls: [RevocationList]) in
            RevocationEvidence(crls: crls).check(chain: chain, trust: trust, at: Date(), policy: .require)
        }

        // The authority's indirect CRL that does not list the certificate is complete evidence for it.
        let (clears, statuses) = check([root, try authority.makeRevocationList(revoked: [], extensions: indirect)])
        #expect(clears.result == .passed, "\(clears.detail)")
        #expect(statuses.first?.source?.contains("indirect CRL of Trung tâm CRL Chính phủ") == true)
        // One that lists it (with the agency CA as the entry's certificate issuer) revokes it.
        let revoking = try authority.makeRevocationList(revoked: [(leaf, dayAgo)], extensions: indirect)
        #expect(check([root, revoking]).0.subIndication == .revoked)
        // The same list says nothing of a certificate whose distribution points do not name the authority.
        let other = try TestPKI.identity(pki.intermediate, name: "Phạm Thị Dung", role: .signer).certificate
        let (silent, _) = RevocationEvidence(crls: [root, revoking]).check(
            chain: [other, pki.intermediate.certificate, pki.root.certificate], trust: trust, at: Date(),
            policy: .require)
        #expect(silent.subIndication == .tryLater, "\(silent.detail)")
        // Without indirectCRL in its issuing distribution point, the authority's list is not about
        // others' certificates.
        #expect(
            check([root, try authority.makeRevocationList(revoked: [(leaf, dayAgo)])]).0.subIndication == .tryLater)
        // An authority of the same name under another root proves nothing.
        let foreign = try makeCRLSigner("Trung tâm CRL Chính phủ", under: TestPKI.independent().root)
        let foreignTrust = try TrustStore(anchors: [pki.root.certificate], intermediates: [foreign.certificate])
        let forgedCRL = try foreign.makeRevocationList(revoked: [], extensions: indirect)
        let (forged, _) = RevocationEvidence(crls: [root, forgedCRL]).check(
            chain: chain, trust: foreignTrust, at: Date(), policy: .require)
        #expect(forged.subIndication == .tryLater, "\(forged.detail)")
    }

    // MARK: - Suspension (certificateHold, RFC 5280 5.3.1)

    @Test func aHoldSuspendsUntilEvidenceIssuedByTheTimeShowsItLifted() throws {
        let chain = try pki.trust.chain(of: pki.signer)
        let root = try pki.root.makeRevocationList(revoked: [])
        let day = { (days: Double) in Date().addingTimeInterval(days * 86_400) }
        let hold = try pki.intermediate.makeRevocationList(
            revoked: [(pki.signer.certificate, day(-3))], reason: .certificateHold, thisUpdate: day(-3))
        let lifted = try pki.intermediate.makeRevocationList(revoked: [], thisUpdate: day(-1))
        let check = { (crls: [RevocationList], time: Date) in
            RevocationEvidence(crls: crls).check(chain: chain, trust: try self.pki.trust, at: time, policy: .require)
        }
        // On hold now: INDETERMINATE, not REVOKED, and named as a suspension.
        let (held, statuses) = try check([root, hold], Date())
        #expect(
            held.subIndication == .tryLater && held.detail.contains("suspended (certificateHold)"), "\(held.detail)")
        #expect(statuses.first?.status == .suspended)
        // A newer CRL without it lifts the hold from its issue on.
        #expect(try check([root, hold, lifted], Date()).0.result == .passed)
        // Before that CRL was issued, the hold stood.
        #expect(try check([root, hold, lifted], day(-2)).0.subIndication == .tryLater)
        // Before the hold, the signature stands.
        let (before, _) = try check([root, hold], day(-4))
        #expect(before.result == .passed && before.detail.contains("suspended only after"), "\(before.detail)")
        // A revocation is never lifted.
        let revoked = try pki.intermediate.makeRevocationList(
            revoked: [(pki.signer.certificate, day(-3))], thisUpdate: day(-3))
        #expect(try check([root, revoked, lifted], Date()).0.subIndication == .revoked)
    }
}
