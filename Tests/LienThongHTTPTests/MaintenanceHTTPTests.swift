import Foundation
import LienThongCrypto
import LienThongTestSupport
import Logging
import Testing

@testable import LienThongHTTP

private let clerk = "clerk.tinh-dien-bien"
private let admin = "admin.tinh-dien-bien"

/// `POST /v1/admin/backup` while the server takes sends, a second server on the copy, `GET /v1/admin/check` finding
/// a stored file or a signature changed behind LienThong's back, and a start refused where a new passphrase would
/// lock the keys away: over HTTP in process.
@Suite("Backup and check, over HTTP in process")
struct MaintenanceHTTPTests {
    private static func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The province sends notice `n` to Na Son, as `lienthong send tb-N.pdf --to 000.01.21.H18 --type TB` does; its
    /// id.
    private static func send(_ server: LiveServer, _ n: Int) async throws -> String {
        let upload = try await server.http(
            "POST", "/v1/files", body: Data("Thông báo \(n)\n".utf8), as: clerk)
        let sha = try #require(try object(upload.body)["sha256"] as? String)
        let body = try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": sha, "name": "tb-\(n).pdf"]], "to": ["000.01.21.H18"], "type": "TB",
            "subject": "Thông báo \(n)",
        ])
        let sent = try await server.http("POST", "/v1/documents", body: body, as: clerk)
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
        return try #require(try object(sent.body)["id"] as? String)
    }

    /// The first file of the document, as `lienthong track ID --json` shows it.
    private static func firstFile(_ server: LiveServer, _ id: String) async throws -> [String: Any] {
        let view = try object(try await server.http("GET", "/v1/documents/\(id)/track", as: clerk).body)
        return try #require((view["files"] as? [[String: Any]])?.first, "\(view)")
    }

    /// `lienthong admin backup DIR` as `user`: the status and the report or problem.
    private static func backup(
        _ server: LiveServer, _ directory: String, as user: String = admin
    ) async throws -> (status: Int, body: [String: Any]) {
        let answer = try await server.http(
            "POST", "/v1/admin/backup", body: JSONSerialization.data(withJSONObject: ["directory": directory]),
            as: user)
        return (answer.status, try object(answer.body))
    }

    /// `lienthong admin check`, as the admin or with `token`: the status and the report it prints from.
    private static func check(
        _ server: LiveServer, token: String? = nil
    ) async throws -> (status: Int, report: [String: Any]) {
        let answer = try await server.http("GET", "/v1/admin/check", as: token == nil ? admin : nil, token: token)
        return (answer.status, try object(answer.body))
    }

    @Test func aBackupTakenWhileSendingIsADataDirectoryThatServesAndChecks() async throws {
        // The key passphrase in the data directory, where a daemon keeps it unless told otherwise (a workspace
        // keeps its own outside): the backup copies it.
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("lienthong-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let passphrase = data.appendingPathComponent("key-passphrase")
        try Data(DemoWorkspace.passphrase.utf8).write(to: passphrase)
        try await LiveServer.run(environment: [
            "LIENTHONG_DATA_DIRECTORY": data.path, "LIENTHONG_KEY_PASSPHRASE_FILE": passphrase.path,
        ]) { server in
            let first = try await Self.send(server, 0)
            let backupDirectory = server.workspace.directory.appendingPathComponent("backup").path
            // Sends go on while the backup is made; the copy holds one consistent moment.
            let sending = Task { for n in 1...6 { _ = try await Self.send(server, n) } }
            let (status, report) = try await Self.backup(server, backupDirectory)
            try await sending.value
            #expect(status == 201, "\(report)")
            let documents = try #require(report["documents"] as? Int)
            #expect(documents >= 1)
            let again = try await Self.backup(server, backupDirectory)
            #expect(
                again.status == 409
                    && again.body["type"] as? String == "urn:lienthong:problem:backup-directory-not-empty"
                    && (again.body["detail"] as? String)?.contains("not an empty directory") == true, "\(again.body)")
            let relative = try await Self.backup(server, "relative/dir")
            #expect(
                relative.status == 400 && relative.body["type"] as? String == "urn:lienthong:problem:invalid-request"
                    && (relative.body["detail"] as? String)?.contains("absolute path") == true, "\(relative.body)")
            let byClerk = try await Self.backup(
                server, server.workspace.directory.appendingPathComponent("b2").path, as: clerk)
            #expect(
                byClerk.status == 403 && byClerk.body["type"] as? String == "urn:lienthong:problem:forbidden",
                "\(byClerk.body)")

            // The report names what the copy does not hold; the key passphrase it does (mode 600).
            let certs = server.workspace.configuration.certsURL.path
            #expect((report["carrySeparately"] as? [String])?.first?.hasPrefix(certs) == true, "\(report)")
            let copied = try FileManager.default.attributesOfItem(atPath: backupDirectory + "/key-passphrase")
            #expect((copied[.posixPermissions] as? NSNumber)?.intValue == 0o600)

            // A second server serves the copy as it is, with the same certificates and tokens, and
            // signs with the passphrase the copy holds.
            let files = report["files"] as? Int
            let token = try server.http.token(of: clerk)
            let adminToken = try server.http.token(of: admin)
            try await LiveServer.run(environment: [
                "LIENTHONG_DATA_DIRECTORY": backupDirectory, "LIENTHONG_DEMO": "false",
                // Where a daemon reads it unless told otherwise; the workspace's own file would stand in for it.
                "LIENTHONG_KEY_PASSPHRASE_FILE": backupDirectory + "/key-passphrase",
            ]) { restored in
                let register = try await restored.http("GET", "/v1/registers/out", token: token)
                let rows = try #require(try Self.object(register.body)["rows"] as? [[String]])
                #expect(rows.count == documents)
                let checked = try await Self.check(restored, token: adminToken).report
                #expect(
                    (checked["problems"] as? [Any])?.isEmpty == true
                        && (checked["audit"] as? [String: Any])?["firstBroken"] == nil, "\(checked)")
                #expect(checked["files"] as? Int == files)
                let document = try await restored.http("GET", "/v1/documents/\(first)", token: token)
                #expect(document.status == 200)
                let upload = try await restored.http(
                    "POST", "/v1/files", body: Data("Sau khôi phục\n".utf8), token: token)
                let sha = try #require(try Self.object(upload.body)["sha256"] as? String)
                let body =
                    #"{"files": [{"sha256": "\#(sha)", "name": "tb.pdf"}], "to": ["000.01.21.H18"], "type": "TB", "#
                    + #""subject": "Sau khôi phục"}"#
                let sent = try await restored.http("POST", "/v1/documents", body: Data(body.utf8), token: token)
                #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
            }
        }
    }

    @Test func aLostPassphraseIsNeverReplacedWhereEncryptedKeysExist() async throws {
        // The demo setup made the run's keys, encrypted; now the passphrase file is gone: none is named, and the
        // default, <data>/key-passphrase, is not there.
        let workspace = try await DemoWorkspace()
        var configuration = workspace.configuration
        configuration.keyPassphraseFile = nil
        let data = configuration.dataURL
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let daemon = Daemon(configuration: configuration, file: workspace.configurationFile.path)
        // The start fails (lienthongd prints the error and exits 1) ...
        let error = await #expect(throws: (any Error).self) {
            _ = try await daemon.makeApplication(logger: Logger(label: "tests"))
        }
        // ... with these words.
        let words = error.map { "\($0)" } ?? ""
        #expect(words.contains("is encrypted with one") && words.contains("key-passphrase"), "\(words)")
        // Nothing was written: no new passphrase, no registry.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).isEmpty)
    }

    @Test func aStoredFileChangedOnDiskIsFoundWithTheDocumentsUsingIt() async throws {
        try await LiveServer.run { server in
            let id = try await Self.send(server, 1)
            // What `admin check` exits 0 on.
            let clean = try await Self.check(server)
            #expect(
                clean.status == 200 && (clean.report["problems"] as? [Any])?.isEmpty == true
                    && (clean.report["rowProblems"] as? [Any])?.isEmpty == true
                    && (clean.report["audit"] as? [String: Any])?["firstBroken"] == nil, "\(clean.report)")
            let sha = try #require(try await Self.firstFile(server, id)["sha256"] as? String)
            let stored = server.workspace.configuration.dataURL.appendingPathComponent("blobs/\(sha.prefix(2))/\(sha)")
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: stored.path)
            try Data("Thông báo đã bị sửa\n".utf8).write(to: stored)
            let (status, report) = try await Self.check(server)
            // `admin check` prints each as "CHANGED <sha256>, used by <documents>" and exits 1.
            let problems = report["problems"] as? [[String: Any]] ?? []
            #expect(status == 200 && !problems.isEmpty, "\(report)")
            #expect(
                problems.contains {
                    $0["kind"] as? String == "changed" && $0["sha256"] as? String == sha
                        && ($0["documents"] as? [String])?.contains("01/TB-UBND (\(id))") == true
                }, "\(problems)")
        }
    }

    @Test func aSignatureChangedInTheRegistryIsFoundLikeAChangedFile() async throws {
        try await LiveServer.run { server in
            let id = try await Self.send(server, 3)
            let signature = try #require(try await Self.firstFile(server, id)["signatureSHA256"] as? String)
            // The signature is held in the registry, not under blobs/, and served as it was filed.
            let blobs = server.workspace.configuration.dataURL.appendingPathComponent("blobs")
            #expect(!FileManager.default.fileExists(atPath: blobs.path + "/\(signature.prefix(2))/\(signature)"))
            let served = try await server.http("GET", "/v1/documents/\(id)/files/0/signature", as: "clerk.xa-na-son")
            #expect(served.status == 200 && Digest.sha256(served.body) == signature)

            let edit = try AuditHTTPTests.sqlite3(
                server, "UPDATE blob SET bytes = zeroblob(length(bytes)) WHERE sha256 = '\(signature)';")
            #expect(edit.status == 0, "\(edit.output)")
            let (status, report) = try await Self.check(server)
            // `admin check` prints it as "CHANGED <sha256>, used by <number/symbol> (<id>)" and exits 1.
            let problems = report["problems"] as? [[String: Any]] ?? []
            #expect(status == 200 && !problems.isEmpty, "\(report)")
            #expect(
                problems.contains { problem in
                    problem["kind"] as? String == "changed" && problem["sha256"] as? String == signature
                        && (problem["documents"] as? [String])?.contains { $0.contains("(\(id))") } == true
                }, "\(problems)")
        }
    }
}
