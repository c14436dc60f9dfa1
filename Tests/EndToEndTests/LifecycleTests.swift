import Foundation
import LienThongTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// SIGTERM drains: a send in flight when the daemon is told to stop is answered and filed, and the
/// daemon exits cleanly.
@Suite("End to end: stopping")
struct LifecycleTests {
    @Test func aSendInFlightAtSIGTERMIsAnsweredAndFiledAndTheDaemonExitsCleanly() async throws {
        let daemon = try DaemonUnderTest()
        let upload = try await daemon.http(
            "POST", "/v1/files", body: Data("Phụ lục\n".utf8), as: "clerk.tinh-dien-bien")
        let sha = try #require(
            (try JSONSerialization.jsonObject(with: upload.body) as? [String: Any])?["sha256"] as? String)
        // A hundred attachments: a send that takes a while, each file sealed and time-stamped.
        let body = try JSONSerialization.data(withJSONObject: [
            "files": (0..<100).map { ["sha256": sha, "name": "phu-luc-\($0).pdf"] }, "to": ["000.01.21.H18"],
            "type": "KH", "subject": "Kế hoạch",
        ])
        let sending = Task { try await daemon.http("POST", "/v1/documents", body: body, as: "clerk.tinh-dien-bien") }
        // Wait until the send is being handled: the metrics count it, beside the scrape itself.
        let waiting = Date().addingTimeInterval(30)
        while Date() < waiting {
            let metrics = String(decoding: try await daemon.http("GET", "/metrics").body, as: UTF8.self)
            if let line = metrics.split(separator: "\n").first(where: { $0.hasPrefix("lienthong_requests_in_flight ") }
            ),
                let value = Double(line.split(separator: " ")[1]), value >= 2
            {
                break
            }
            try await Task.sleep(for: .milliseconds(5))
        }
        kill(daemon.process.processIdentifier, SIGTERM)
        let answer = try await sending.value
        #expect(answer.status == 201, "\(String(decoding: answer.body, as: UTF8.self))")
        let deadline = Date().addingTimeInterval(30)
        while daemon.process.isRunning, Date() < deadline { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!daemon.process.isRunning)
        #expect(daemon.process.terminationStatus == 0, "\(daemon.logText.suffix(2000))")

        let again = try DaemonUnderTest(environment: [
            "LIENTHONG_DATA_DIRECTORY": daemon.path("data"), "LIENTHONG_CERTS_DIRECTORY": daemon.path("Certs"),
        ])
        let id = try #require((try JSONSerialization.jsonObject(with: answer.body) as? [String: Any])?["id"] as? String)
        let token = try String(contentsOfFile: daemon.token("clerk.xa-na-son"), encoding: .utf8)
        let filed = try await again.http("GET", "/v1/documents/\(id)", token: token)
        #expect(filed.status == 200)
        #expect(
            ((try JSONSerialization.jsonObject(with: filed.body) as? [String: Any])?["files"] as? [Any])?.count == 100)
    }

    @Test func sighupReloadsTheConfigurationAndABrokenFileChangesNothing() async throws {
        let daemon = try DaemonUnderTest()
        let file = try daemon.write("tt.pdf", "Tờ trình\n")
        let send = {
            try daemon.cli(
                ["send", file, "--to", "000.01.21.H18", "--type", "QCPH", "--subject", "Quy chế phối hợp", "--json"],
                as: "clerk.tinh-dien-bien")
        }
        let unknown = try send()
        #expect(unknown.status != 0 && unknown.stderr.contains("QCPH"), "\(unknown.stderr)")

        try FileManager.default.createDirectory(atPath: daemon.path("Config"), withIntermediateDirectories: true)
        _ = try daemon.write(
            "Config/lienthong.json", #"{"documentTypes": [{"name": "Quy chế phối hợp", "abbreviation": "QCPH"}]}"#)
        try await daemon.hangUp(waitingFor: "configuration reloaded on SIGHUP")
        let known = try send()
        #expect(known.status == 0 && known.stdout.contains("01/QCPH-UBND"), "\(known.stderr)")

        _ = try daemon.write("Config/lienthong.json", #"{"documentTypes": "#)
        try await daemon.hangUp(waitingFor: "configuration NOT reloaded on SIGHUP")
        #expect(try send().status == 0, "the running settings stay when the file is broken")
        #expect(daemon.process.isRunning)
        let audit = try daemon.cli(["admin", "audit", "list", "--json"], as: "admin.tinh-dien-bien")
        #expect(audit.stdout.contains("configuration.reloaded"))
    }

    @Test func signingKeysAreEncryptedAtRestAndAWrongPassphraseStopsTheStartWithTheReason() throws {
        let daemon = try DaemonUnderTest()
        let demo = daemon.path("Certs/demo")
        let keys = try FileManager.default.subpathsOfDirectory(atPath: demo).filter { $0.hasSuffix(".key") }
        #expect(keys.count >= 10)
        for key in keys {
            let text = try String(contentsOfFile: demo + "/" + key, encoding: .utf8)
            #expect(text.hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"), "\(key)")
        }
        let passphrase = try FileManager.default.attributesOfItem(atPath: daemon.path("data/key-passphrase"))
        #expect((passphrase[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let registry = try Data(contentsOf: URL(fileURLWithPath: daemon.path("data/registry.sqlite")))
        #expect(registry.range(of: Data("PRIVATE KEY".utf8)) == nil)

        _ = try daemon.write("wrong-passphrase", "not the passphrase\n")
        #expect(throws: DaemonUnderTest.DaemonFailure.self) {
            _ = try DaemonUnderTest(environment: [
                "LIENTHONG_DATA_DIRECTORY": daemon.path("data"), "LIENTHONG_CERTS_DIRECTORY": daemon.path("Certs"),
                "LIENTHONG_KEY_PASSPHRASE_FILE": daemon.path("wrong-passphrase"),
            ])
        }
        do {
            _ = try DaemonUnderTest(environment: [
                "LIENTHONG_DATA_DIRECTORY": daemon.path("data"), "LIENTHONG_CERTS_DIRECTORY": daemon.path("Certs"),
                "LIENTHONG_KEY_PASSPHRASE_FILE": daemon.path("wrong-passphrase"),
            ])
        } catch let failure as DaemonUnderTest.DaemonFailure {
            #expect(failure.log.contains("the passphrase does not open it"), "\(failure.log.suffix(500))")
        }
    }

    @Test func aSilentConnectionIsClosedAndATricklingBodyGets408() async throws {
        let quiet = try DaemonUnderTest(environment: ["LIENTHONG_IDLE_TIMEOUT_SECONDS": "1"])
        let silent = try RawConnection(port: quiet.port)
        let started = Date()
        #expect(silent.readAll().isEmpty)
        #expect(
            Date().timeIntervalSince(started) < 5.5,
            "the idle connection was closed by the server, not by the read timeout")

        // A long idle timeout, so that only the deadline can cut the trickle short on a loaded machine.
        let daemon = try DaemonUnderTest(environment: [
            "LIENTHONG_IDLE_TIMEOUT_SECONDS": "30", "LIENTHONG_REQUEST_TIMEOUT_SECONDS": "2",
        ])
        let token = try String(contentsOfFile: daemon.token("clerk.tinh-dien-bien"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let trickle = try RawConnection(port: daemon.port)
        trickle.send(
            "POST /v1/files HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer \(token)\r\nContent-Length: 100\r\n\r\n"
        )
        // A byte every 200 ms, as a slow-loris client does, until the daemon answers (or 30 s pass).
        var answer = ""
        let trickling = Date()
        while answer.isEmpty, Date().timeIntervalSince(trickling) < 30 {
            trickle.send("x")
            answer = trickle.readAll(waiting: 0)
        }
        #expect(answer.hasPrefix("HTTP/1.1 408") && answer.contains("request-timeout"), "\(answer.prefix(300))")
        #expect(try await daemon.http("GET", "/healthz").status == 200)
    }
}
