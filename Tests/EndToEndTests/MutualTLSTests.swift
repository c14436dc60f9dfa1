import Foundation
import Testing

/// HTTPS with client certificates as a second way in, driven by curl as a real client; and the
/// daemon's JSON logs, which must parse line by line and never hold a token.
@Suite("End to end: mutual TLS and structured logs")
struct MutualTLSTests {
    /// A TLS CA with the server's certificate, a client CA with certificates for a demo user and
    /// an unknown name, and a stranger CA's certificate for the same demo user.
    struct Keys {
        let directory: URL
        func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

        init() throws {
            directory = FileManager.default.temporaryDirectory.appendingPathComponent(
                "lienthong-tls-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try ca("server-ca")
            try issue(
                "server", by: "server-ca", subject: "/CN=127.0.0.1",
                extensions: "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth")
            try ca("client-ca")
            try issue(
                "clerk", by: "client-ca", subject: "/O=UBND tỉnh Điện Biên/CN=clerk.tinh-dien-bien",
                extensions: "extendedKeyUsage=clientAuth")
            try issue(
                "nobody", by: "client-ca", subject: "/CN=nobody.unknown", extensions: "extendedKeyUsage=clientAuth")
            try issue(
                "clerk-new", by: "client-ca", subject: "/CN=clerk.tinh-dien-bien",
                extensions: "extendedKeyUsage=clientAuth")
            try ca("stranger-ca")
            try issue(
                "impostor", by: "stranger-ca", subject: "/CN=clerk.tinh-dien-bien",
                extensions: "extendedKeyUsage=clientAuth")
        }

        /// Revokes a certificate with `openssl ca` and writes the client CA's CRL to `crl`.
        func revoke(_ name: String, crl: String) throws {
            try "".write(toFile: path("index.txt"), atomically: true, encoding: .utf8)
            try "01\n".write(toFile: path("crlnumber"), atomically: true, encoding: .utf8)
            try
                "[ca]\ndefault_ca = d\n[d]\ndatabase = index.txt\ncrlnumber = crlnumber\ndefault_md = sha256\ndefault_crl_days = 2\n"
                .write(toFile: path("ca.cnf"), atomically: true, encoding: .utf8)
            let ca = ["-config", path("ca.cnf"), "-keyfile", path("client-ca.key"), "-cert", path("client-ca.pem")]
            try openssl(["ca"] + ca + ["-revoke", path("\(name).pem")])
            try openssl(["ca"] + ca + ["-gencrl", "-out", crl])
        }

        private func openssl(_ arguments: [String]) throws {
            let result = try run(URL(fileURLWithPath: "/usr/bin/openssl"), arguments, in: directory)
            #expect(result.status == 0, "openssl \(arguments.joined(separator: " ")): \(result.stderr)")
        }

        private func ca(_ name: String) throws {
            try openssl([
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "2",
                "-subj", "/CN=\(name)", "-keyout", path("\(name).key"), "-out", path("\(name).pem"),
            ])
        }

        private func issue(_ name: String, by ca: String, subject: String, extensions: String) throws {
            try openssl([
                "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-utf8",
                "-subj", subject, "-keyout", path("\(name).key"), "-out", path("\(name).csr"),
            ])
            try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
            try openssl([
                "x509", "-req", "-in", path("\(name).csr"), "-CA", path("\(ca).pem"), "-CAkey", path("\(ca).key"),
                "-days", "2", "-extfile", path("\(name).ext"), "-out", path("\(name).pem"),
            ])
        }
    }

    func curl(
        _ daemon: DaemonUnderTest, _ keys: Keys, _ route: String, method: String = "GET", certificate: String? = nil,
        token: String? = nil
    ) throws -> Run {
        var arguments = ["-sS", "-X", method, "--cacert", keys.path("server-ca.pem"), "-w", "\n%{http_code}"]
        if let certificate {
            arguments += ["--cert", keys.path("\(certificate).pem"), "--key", keys.path("\(certificate).key")]
        }
        if let token { arguments += ["-H", "Authorization: Bearer \(token)"] }
        return try run(
            URL(fileURLWithPath: "/usr/bin/curl"), arguments + ["https://127.0.0.1:\(daemon.port)\(route)"],
            in: keys.directory)
    }

    @Test func aClientCertificateFromTheConfiguredCAIdentifiesItsUser() throws {
        let keys = try Keys()
        defer { try? FileManager.default.removeItem(at: keys.directory) }
        let daemon = try DaemonUnderTest(environment: [
            "LIENTHONG_TLS_CERTIFICATE": keys.path("server.pem"), "LIENTHONG_TLS_KEY": keys.path("server.key"),
            "LIENTHONG_TLS_CLIENT_CA": keys.path("client-ca.pem"), "LIENTHONG_LOG_FORMAT": "json",
        ])

        let me = try curl(daemon, keys, "/v1/me", certificate: "clerk")
        #expect(me.status == 0, "\(me.stderr)")
        #expect(me.stdout.hasSuffix("\n200"), "\(me.stdout)")
        #expect(me.stdout.contains("\"clerk.tinh-dien-bien\""))

        // No certificate and no token; a certificate for a name that is no user: nobody.
        for certificate in [nil, "nobody"] {
            let refused = try curl(daemon, keys, "/v1/inbox", certificate: certificate)
            #expect(refused.stdout.hasSuffix("\n401"), "\(refused.stdout)")
            #expect(refused.stdout.contains("unauthenticated"))
        }
        // A certificate from another CA with the same name does not get through the handshake.
        let impostor = try curl(daemon, keys, "/v1/me", certificate: "impostor")
        #expect(impostor.status != 0 || !impostor.stdout.hasSuffix("\n200"), "\(impostor.stdout)")
        #expect(!impostor.stdout.contains("clerk.tinh-dien-bien"))

        // A token still works, and decides over a certificate: another user's token wins.
        let token = try String(contentsOfFile: daemon.token("clerk.xa-na-son"), encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines)
        let byToken = try curl(daemon, keys, "/v1/me", certificate: "clerk", token: token)
        #expect(byToken.stdout.contains("\"clerk.xa-na-son\""), "\(byToken.stdout)")
        // Plain HTTP on the HTTPS port is not served.
        let plain = try run(
            URL(fileURLWithPath: "/usr/bin/curl"), ["-sS", "-m", "5", "http://127.0.0.1:\(daemon.port)/healthz"],
            in: keys.directory)
        #expect(!plain.stdout.contains("ok"))

        // Every line the daemon wrote is one JSON object with time, level and message; no token appears.
        let lines = daemon.logText.split(separator: "\n")
        #expect(lines.count >= 3)
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String]
            #expect(
                object?["level"] != nil && object?["message"] != nil && object?["time"]?.hasSuffix("Z") == true,
                "\(line)")
        }
        #expect(!daemon.logText.contains(token))
    }

    @Test func aRevokedCertificateOrUserGetsNoFurther() async throws {
        let keys = try Keys()
        defer { try? FileManager.default.removeItem(at: keys.directory) }
        let daemon = try DaemonUnderTest(environment: [
            "LIENTHONG_TLS_CERTIFICATE": keys.path("server.pem"), "LIENTHONG_TLS_KEY": keys.path("server.key"),
            "LIENTHONG_TLS_CLIENT_CA": keys.path("client-ca.pem"),
        ])
        #expect(daemon.logText.contains("of client-ca are not checked for revocation"), "\(daemon.logText)")
        #expect(try curl(daemon, keys, "/v1/me", certificate: "clerk").stdout.hasSuffix("\n200"))

        // The CA revokes the clerk's certificate; after a reload its CRL is in force.
        try keys.revoke("clerk", crl: daemon.path("Certs/crl/client-ca.crl"))
        try await daemon.hangUp(waitingFor: "configuration reloaded on SIGHUP")
        let revoked = try curl(daemon, keys, "/v1/inbox", certificate: "clerk")
        #expect(
            revoked.stdout.hasSuffix("\n401") && revoked.stdout.contains("certificate-revoked"), "\(revoked.stdout)")
        // The user's other certificate, which the CA did not revoke, still gets in.
        #expect(try curl(daemon, keys, "/v1/me", certificate: "clerk-new").stdout.hasSuffix("\n200"))

        // An administrator revokes the user: no certificate gets in either, until a new token is issued.
        let admin = try String(contentsOfFile: daemon.token("admin.tinh-dien-bien"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let revoke = try curl(daemon, keys, "/v1/admin/users/clerk.tinh-dien-bien/revoke", method: "POST", token: admin)
        #expect(revoke.stdout.hasSuffix("\n200"), "\(revoke.stdout)")
        let afterRevoke = try curl(daemon, keys, "/v1/me", certificate: "clerk-new")
        #expect(
            afterRevoke.stdout.hasSuffix("\n401") && afterRevoke.stdout.contains("unauthenticated"),
            "\(afterRevoke.stdout)")
        let reinstated = try curl(
            daemon, keys, "/v1/admin/users/clerk.tinh-dien-bien/tokens", method: "POST", token: admin)
        #expect(reinstated.stdout.hasSuffix("\n201"), "\(reinstated.stdout)")
        #expect(try curl(daemon, keys, "/v1/me", certificate: "clerk-new").stdout.hasSuffix("\n200"))
    }

    @Test func halfATLSConfigurationIsRefusedAtStart() throws {
        let keys = try Keys()
        defer { try? FileManager.default.removeItem(at: keys.directory) }
        #expect(throws: DaemonUnderTest.DaemonFailure.self) {
            try DaemonUnderTest(environment: ["LIENTHONG_TLS_CERTIFICATE": keys.path("server.pem")])
        }
        #expect(throws: DaemonUnderTest.DaemonFailure.self) {
            try DaemonUnderTest(environment: [
                "LIENTHONG_TLS_CERTIFICATE": keys.path("server.pem"), "LIENTHONG_TLS_KEY": keys.path("clerk.csr"),
            ])
        }
    }
}
