import Foundation
import Testing

@testable import LienThongCrypto

/// What needs whole daemons: CRLs read again on SIGHUP, a send that goes out and is time-stamped later by a TSA
/// that comes up on its port; and `lienthong cert verify`. The services themselves are tested in process
/// (SignatureServiceHTTPTests).
@Suite("End to end: verification and time-stamping services", .serialized, .sharedDaemon())
final class SignatureServicesTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try #require(SharedDaemon.current) }

    /// The demo agency CA, with its key, and the province's seal certificate it issued.
    func demoCA() throws -> (ca: CertificateIssuer, seal: Certificate) {
        let demo = daemon.workspace.appendingPathComponent("Certs/demo")
        let passphrase = try String(
            contentsOf: daemon.workspace.appendingPathComponent("data/key-passphrase"),
            encoding: .utf8
        ).trimmingCharacters(in: .whitespacesAndNewlines)
        let key = try PrivateKey(
            pem: Data(contentsOf: demo.appendingPathComponent("agency-ca.key")),
            passphrase: passphrase)
        let ca = CertificateIssuer(
            certificate: try Certificate.load(demo.appendingPathComponent("agency-ca.pem"))[0],
            key: key)
        return (ca, try Certificate.load(demo.appendingPathComponent("agencies/000.00.00.H18.pem"))[0])
    }

    /// CRLs are read again on SIGHUP: a hold stops the seal until its CA lifts it, a revocation for good, and only
    /// for the agency whose seal it names.
    @Test func theCRLsReadOnSIGHUPSuspendLiftAndRevokeTheSeal() async throws {
        let (ca, seal) = try demoCA()
        let crls = daemon.workspace.appendingPathComponent("Certs/crl")
        let hold = try ca.makeRevocationList(
            revoked: [(seal, Date().addingTimeInterval(-3600))], reason: .certificateHold)
        try Data(hold.pem.utf8).write(to: crls.appendingPathComponent("zz-hold.crl"))
        try await daemon.hangUp(waitingFor: "configuration reloaded on SIGHUP")
        let file = try daemon.write("thong-bao.pdf", "Thông báo\n")
        let send = { (subject: String, user: String) in
            try self.daemon.cli(
                ["send", file, "--to", "000.01.21.H18", "--type", "TB", "--subject", subject], as: user)
        }
        let suspended = try send("Tạm dừng", "clerk.tinh-dien-bien")
        #expect(suspended.status != 0 && suspended.stderr.contains("certificate-suspended"), "\(suspended.stderr)")
        // The CA's next CRL no longer lists it: the hold is lifted, and the seal seals again.
        try await Task.sleep(for: .seconds(1.1))  // CRL times are in whole seconds: issued after the hold
        let lifted = try ca.makeRevocationList(revoked: [])
        try Data(lifted.pem.utf8).write(to: crls.appendingPathComponent("zz-lifted.crl"))
        try await daemon.hangUp(waitingFor: "configuration reloaded on SIGHUP")
        let sent = try send("Tạm dừng", "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")

        // The CA's newer CRL, revoking the province's seal since yesterday, under a name sorted after the older
        // ones: whatever the file order, the newest CRL, and its revocation, wins.
        try await Task.sleep(for: .seconds(1.1))
        let crl = try ca.makeRevocationList(revoked: [(seal, Date().addingTimeInterval(-86_400))])
        try Data(crl.pem.utf8).write(to: crls.appendingPathComponent("zz-new.crl"))
        try await daemon.hangUp(waitingFor: "configuration reloaded on SIGHUP")
        let refused = try send("Sau khi thu hồi", "clerk.tinh-dien-bien")
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("certificate-revoked"), "\(refused.stderr)")
        // Another agency's seal is not revoked: it still sends.
        let other = try send("Vẫn gửi được", "clerk.so-noi-vu")
        #expect(other.status == 0, "\(other.stderr)")
    }

    @Test func whereConfiguredASendGoesOutAndIsTimeStampedLater() async throws {
        // The TSA will live on this port, but nothing answers there yet.
        let port = try freePort()
        let sender = try DaemonUnderTest(environment: [
            "LIENTHONG_TIME_STAMP_AUTHORITY": "http://127.0.0.1:\(port)/tsa",
            "LIENTHONG_TIME_STAMP_FALLBACK": "later", "LIENTHONG_TIME_STAMP_RETRY_SECONDS": "1",
        ])
        let file = try sender.write("kh.pdf", "Kế hoạch\n")
        let sent = try sender.cli(
            ["send", file, "--to", "000.01.21.H18", "--type", "KH", "--subject", "Kế hoạch", "--json"],
            as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        let document = try #require(try json(sent.stdout) as? [String: Any])
        let id = try #require(document["id"] as? String)
        #expect((document["files"] as? [[String: Any]])?.first?["timeStampPending"] as? Bool == true)

        // The TSA comes up; the backfill adds the time stamps within a few retries.
        let tsa = try DaemonUnderTest(environment: ["LIENTHONG_PORT": "\(port)"])
        var pending = true
        for _ in 0..<120 where pending {
            try await Task.sleep(for: .milliseconds(250))
            let view = try sender.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien")
            pending =
                (try json(view.stdout) as? [String: Any]).flatMap {
                    ($0["files"] as? [[String: Any]])?.first?["timeStampPending"] as? Bool
                } ?? true
        }
        #expect(!pending, "\(sender.logText)")
        #expect(try sender.cli(["get", id, "--out", sender.path("kh")], as: "clerk.xa-na-son").status == 0)
        let verified = try sender.cli([
            "verify", sender.path("kh"), "--trust", sender.trustAnchor, "--trust", tsa.trustAnchor, "--json",
        ])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("\"time-stamp\""))
        #expect(verified.stdout.contains("timeStampedAt"))
    }

    @Test func certVerifyChecksThePurpose() throws {
        let tsa = daemon.workspace.appendingPathComponent("Certs/demo/tsa.pem").path
        let asTSA = try daemon.cli(["cert", "verify", tsa, "--purpose", "tsa"])
        #expect(asTSA.status == 0, "\(asTSA.stdout)")
        #expect(asTSA.stdout.contains("Result: TOTAL_PASSED"))
        let asSigner = try daemon.cli(["cert", "verify", tsa, "--purpose", "signer", "--json"])
        #expect(asSigner.status == 1)
        #expect(asSigner.stdout.contains("\"certificate-role\""))
        let later = try daemon.cli(["cert", "verify", tsa, "--at", "2099-01-01"])
        #expect(later.status == 1 && later.stdout.contains("EXPIRED"))
        let missing = try daemon.cli(["cert", "verify", daemon.path("nope.pem")])
        #expect(missing.status == 2 && missing.stderr.hasPrefix("lienthong: cannot read"))
        // A PEM that holds no certificate: one line on stderr.
        let notCertificate = try daemon.cli([
            "cert", "verify",
            try daemon.write("cert.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"),
        ])
        #expect(
            notCertificate.status != 0 && notCertificate.stderr.split(separator: "\n").count == 1,
            "\(notCertificate.stderr)")
    }
}
