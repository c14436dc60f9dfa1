import Foundation
import LienThongTestSupport
import Testing

@testable import LienThongCrypto

#if canImport(Glibc)
import Glibc
#endif

@Suite("Revocation: CRLs, OCSP from a real responder, evidence kept in the signature", .serialized)
struct RevocationTests {
    let pki: TestPKI
    let content: URL

    init() throws {
        pki = try TestPKI()
        content = try pki.write("cong-van.pdf", Data("%PDF-1.7 Công văn\n".utf8))
    }

    func sign(_ signer: SigningIdentity, evidence: RevocationEvidence? = nil) async throws -> Data {
        try await DetachedSigner().sign(
            content: content, signer: signer, seal: pki.seal, timeStamper: pki.tsa, evidence: evidence)
    }

    /// CRLs of both CAs listing `revoked` on the intermediate's.
    func crls(revoking revoked: [(Certificate, Date)]) throws -> RevocationEvidence {
        RevocationEvidence(crls: [
            try pki.root.makeRevocationList(revoked: []),
            try pki.intermediate.makeRevocationList(revoked: revoked),
        ])
    }

    @Test func revokedBeforeTheTimeStampIsRevoked() async throws {
        let signature = try await sign(pki.signer)
        let evidence = try crls(revoking: [(pki.signer.certificate, Date().addingTimeInterval(-3600))])
        let report = SignatureVerifier(trust: try pki.trust, evidence: evidence).verify(
            content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .totalFailed, subIndication: .revoked))
        #expect(report.signatures[0].revocation.first?.status == .revoked)
        #expect(report.signatures[0].revocation.first?.source?.contains("CRL") == true)
    }

    @Test func revokedAfterTheTimeStampStillStands() async throws {
        let signature = try await sign(pki.signer)
        let evidence = try crls(revoking: [(pki.signer.certificate, Date().addingTimeInterval(3600))])
        let report = SignatureVerifier(
            trust: try pki.trust, validationTime: Date().addingTimeInterval(7200), evidence: evidence
        )
        .verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
        #expect(
            report.signatures[0].checks.contains {
                $0.id == .revocation && $0.detail.contains("revoked only after the time stamp")
            })
    }

    @Test func noRevocationInformationIsTryLaterUnlessWaived() async throws {
        let signature = try await sign(pki.signer)
        let strict = SignatureVerifier(trust: try pki.trust).verify(
            content: content, signature: signature, expecting: .document)
        #expect(strict.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
        let lenient = SignatureVerifier(trust: try pki.trust, revocationPolicy: .ifAvailable).verify(
            content: content, signature: signature, expecting: .document)
        #expect(lenient.verdict == .passed)
        #expect(lenient.signatures[0].checks.contains { $0.id == .revocation && $0.result == .warning })
    }

    @Test func aCRLSignedBySomeoneElseIsIgnored() async throws {
        let signature = try await sign(pki.signer)
        let forged = RevocationEvidence(crls: [try TestPKI.independent().intermediate.makeRevocationList(revoked: [])])
        let report = SignatureVerifier(trust: try pki.trust, evidence: forged).verify(
            content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
    }

    @Test func evidenceKeptInTheSignatureGivesTheSameVerdictOfflineYearsLater() async throws {
        let signature = try await sign(pki.signer, evidence: try pki.crls)
        // No CRL in hand and ten years on: the time stamp and the embedded CRLs decide.
        let report = SignatureVerifier(
            trust: try pki.trust, validationTime: Date().addingTimeInterval(10 * 365 * 86_400)
        )
        .verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
        let printed = try run(
            "openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", try pki.write("lt.p7s", signature).path])
        #expect(printed.output.contains("id-smime-aa-ets-revocationValues"))
        #expect(printed.output.contains("id-smime-aa-timeStampToken"))
    }

    // MARK: - A real OCSP responder: `openssl ocsp -index … -port …`

    @Test func aRealOCSPResponderAnswersGoodRevokedAndUnknown() async throws {
        let revoked = try TestPKI.identity(pki.intermediate, name: "Người Bị Thu Hồi", role: .signer)
        let unknown = try TestPKI.identity(pki.intermediate, name: "Người Lạ", role: .signer)
        let responder = try OCSPResponder(
            pki: pki, good: [pki.signer.certificate, pki.seal.certificate],
            revoked: [(revoked.certificate, Date().addingTimeInterval(-86_400))])
        defer { responder.stop() }
        let fetcher = RevocationFetcher(ocspResponder: responder.url)
        let rootCRL = RevocationEvidence(crls: [try pki.root.makeRevocationList(revoked: [])])

        func verdict(_ signer: SigningIdentity) async throws -> FileReport {
            let signature = try await sign(signer)
            var verifier = SignatureVerifier(trust: try pki.trust, evidence: rootCRL)
            verifier.evidence =
                verifier.evidence
                + (await fetcher.collect(chains: verifier.chains(of: signature), known: rootCRL, trust: try pki.trust))
            return verifier.verify(content: content, signature: signature, expecting: .document)
        }

        let good = try await verdict(pki.signer)
        #expect(good.verdict == .passed, "\(good.signatures.map(\.checks))")
        #expect(good.signatures[0].revocation.first?.source?.contains("OCSP") == true)
        #expect(try await verdict(revoked).verdict == Verdict(indication: .totalFailed, subIndication: .revoked))
        let unknownReport = try await verdict(unknown)
        #expect(unknownReport.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
        #expect(unknownReport.signatures[0].revocation.first?.status == .unknown)
    }

    /// The verifier fetches what a document's certificates point to, and reports where it came from.
    func fetchedStatus(of identity: SigningIdentity) async throws -> RevocationStatus? {
        let signature = try await DetachedSigner().sign(
            content: content, signer: nil, seal: identity, timeStamper: pki.tsa)
        let rootCRL = RevocationEvidence(crls: [try pki.root.makeRevocationList(revoked: [])])
        var verifier = SignatureVerifier(trust: try pki.trust, evidence: rootCRL)
        verifier.evidence =
            rootCRL
            + (await RevocationFetcher().collect(
                chains: verifier.chains(of: signature), known: rootCRL, trust: try pki.trust))
        let report = verifier.verify(content: content, signature: signature, expecting: .any)
        #expect(report.verdict == .passed, "\(report.signatures.map(\.checks))")
        return report.signatures.first?.revocation.first
    }

    @Test func aCRLDistributionPointInTheCertificateIsFetched() async throws {
        let served = pki.directory.appendingPathComponent("served")
        try FileManager.default.createDirectory(at: served, withIntermediateDirectories: true)
        try pki.intermediate.makeRevocationList(revoked: []).der.write(
            to: served.appendingPathComponent("agency-ca.crl"))
        let web = try HTTPFileServer(directory: served)
        defer { web.stop() }
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let named = try SigningIdentity(
            certificate: pki.intermediate.issue(
                subject: [("CN", "Người Có CDP")], publicKey: key, profile: .endEntity(.signer),
                crlURL: web.url.appendingPathComponent("agency-ca.crl")),
            key: key, intermediates: [pki.intermediate.certificate])
        #expect(named.certificate.crlURL == web.url.appendingPathComponent("agency-ca.crl"))
        let status = try await fetchedStatus(of: named)
        #expect(status?.status == .good)
        #expect(status?.source?.hasPrefix("CRL") == true)
    }

    @Test func anOCSPResponderInTheCertificateIsAsked() async throws {
        let port = OCSPResponder.freePort()
        let key = try PrivateKey.generate(.rsa(bits: 2048))
        let named = try SigningIdentity(
            certificate: pki.intermediate.issue(
                subject: [("CN", "UBND có OCSP")], publicKey: key, profile: .endEntity(.seal),
                ocspURL: URL(string: "http://127.0.0.1:\(port)/")!),
            key: key, intermediates: [pki.intermediate.certificate])
        let responder = try OCSPResponder(pki: pki, good: [named.certificate], revoked: [], port: port)
        defer { responder.stop() }
        #expect(named.certificate.ocspURL == responder.url)
        let status = try await fetchedStatus(of: named)
        #expect(status?.status == .good)
        #expect(status?.source?.hasPrefix("OCSP") == true)
    }

    @Test func aResponderThatIsDownIsTryLaterNotAPass() async throws {
        let signature = try await sign(pki.signer)
        let rootCRL = RevocationEvidence(crls: [try pki.root.makeRevocationList(revoked: [])])
        let fetcher = RevocationFetcher(
            ocspResponder: URL(string: "http://127.0.0.1:\(OCSPResponder.freePort())/")!, timeout: 3)
        var verifier = SignatureVerifier(trust: try pki.trust, evidence: rootCRL)
        verifier.evidence =
            verifier.evidence
            + (await fetcher.collect(chains: verifier.chains(of: signature), known: rootCRL, trust: try pki.trust))
        let report = verifier.verify(content: content, signature: signature, expecting: .document)
        #expect(report.verdict == Verdict(indication: .indeterminate, subIndication: .tryLater))
        #expect(report.signatures[0].revocation.first?.status == .unreachable)
    }
}

/// `python3 -m http.server` over a directory, on a free loopback port: a CRL distribution point.
final class HTTPFileServer: @unchecked Sendable {
    let process = Process()
    let url: URL

    init(directory: URL) throws {
        let port = OCSPResponder.freePort()
        url = URL(string: "http://127.0.0.1:\(port)")!
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "python3", "-m", "http.server", "\(port)", "--bind", "127.0.0.1", "--directory", directory.path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        for _ in 0..<100 {
            if (try? Data(contentsOf: url)) != nil { return }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    func stop() {
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.02) }
    }
}

/// `openssl ocsp` as the intermediate CA's responder, on a free loopback port.
final class OCSPResponder: @unchecked Sendable {
    let process = Process()
    let url: URL

    init(pki: TestPKI, good: [Certificate], revoked: [(Certificate, Date)], port: Int = OCSPResponder.freePort()) throws
    {
        func line(_ status: String, _ certificate: Certificate, revokedAt: Date? = nil) -> String {
            let expiry = Self.stamp(certificate.notAfter)
            let revocation = revokedAt.map(Self.stamp) ?? ""
            return "\(status)\t\(expiry)\t\(revocation)\t\(certificate.serialNumber)\tunknown\t\(certificate.subject)\n"
        }
        let index = good.map { line("V", $0) }.joined() + revoked.map { line("R", $0.0, revokedAt: $0.1) }.joined()
        let indexFile = try pki.write("index-\(UUID().uuidString).txt", Data(index.utf8))
        let caFile = try pki.writePEM("ocsp-ca.pem", [pki.intermediate.certificate])
        let keyFile = try pki.writeKey("ocsp-ca.key", pki.intermediate.key)
        url = URL(string: "http://127.0.0.1:\(port)/")!
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = [
            "ocsp", "-index", indexFile.path, "-port", "\(port)", "-rsigner", caFile.path, "-rkey", keyFile.path,
            "-passin", "pass:\(TestPKI.passphrase)",
            "-CA", caFile.path, "-nmin", "60",
        ]
        let log = try pki.write("ocsp-\(port).log", Data())
        process.standardOutput = try FileHandle(forWritingTo: log)
        process.standardError = FileHandle.nullDevice
        try process.run()
        // It says ACCEPT once it listens; probing the port instead would feed it an empty request.
        for _ in 0..<200 where !((try? String(contentsOf: log, encoding: .utf8)) ?? "").contains("ACCEPT") {
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// `openssl ocsp` ignores SIGTERM while it serves, and Foundation's waitUntilExit can spin
    /// forever off the main thread here: kill it and poll.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        for _ in 0..<100 where process.isRunning { Thread.sleep(forTimeInterval: 0.02) }
    }

    /// `YYMMDDHHMMSSZ`, as openssl's index.txt wants.
    static func stamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%02d%02d%02d%02d%02d%02dZ", c.year! % 100, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socket, $0, length) == 0 ? getsockname(socket, $0, &length) : -1
            }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
