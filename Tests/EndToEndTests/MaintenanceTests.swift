import Foundation
import LienThongCrypto
import Testing

/// `lienthong admin backup` while the daemon serves, a second daemon on the copy, and `admin check`
/// finding a stored file changed on disk.
@Suite("End to end: backup and check", .serialized)
final class MaintenanceTests {
    let daemon: DaemonUnderTest
    let admin = "admin.tinh-dien-bien"

    init() throws { daemon = try DaemonUnderTest() }

    private func send(_ n: Int) throws -> String {
        let file = try daemon.write("tb-\(n).pdf", "%PDF-1.7 Thông báo \(n)\n")
        let sent = try daemon.cli(
            ["send", file, "--to", "000.01.21.H18", "--type", "TB", "--subject", "Thông báo \(n)", "--json"],
            as: "clerk.tinh-dien-bien")
        return try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
    }

    @Test func aBackupTakenWhileSendingIsADataDirectoryThatServesAndChecks() async throws {
        let first = try send(0)
        let backupDirectory = daemon.path("backup")
        // Sends go on while the backup is made; the copy holds one consistent moment.
        let sending = Task.detached { [daemon] in
            for n in 1...6 {
                let file = try daemon.write("tb-\(n).pdf", "%PDF-1.7 Thông báo \(n)\n")
                _ = try daemon.cli(
                    ["send", file, "--to", "000.01.21.H18", "--type", "TB", "--subject", "Thông báo \(n)"],
                    as: "clerk.tinh-dien-bien")
            }
        }
        let backup = try daemon.cli(["admin", "backup", backupDirectory, "--json"], as: admin)
        try await sending.value
        #expect(backup.status == 0, "\(backup.stderr)")
        let report = try #require(try json(backup.stdout) as? [String: Any])
        let documents = try #require(report["documents"] as? Int)
        #expect(documents >= 1)
        let again = try daemon.cli(["admin", "backup", backupDirectory], as: admin)
        #expect(again.status != 0 && again.stderr.contains("not an empty directory"), "\(again.stderr)")
        #expect(try daemon.cli(["admin", "backup", "relative/dir"], as: admin).stderr.contains("absolute path"))
        #expect(try daemon.cli(["admin", "backup", daemon.path("b2")], as: "clerk.tinh-dien-bien").status != 0)

        // The report names what the copy does not hold; the key passphrase it does (mode 600).
        #expect((report["carrySeparately"] as? [String])?.first?.hasPrefix(daemon.path("Certs")) == true, "\(report)")
        let copied = try FileManager.default.attributesOfItem(atPath: backupDirectory + "/key-passphrase")
        #expect((copied[.posixPermissions] as? NSNumber)?.intValue == 0o600)

        // A second daemon serves the copy as it is, with the same certificates and tokens, and
        // signs with the passphrase the copy holds.
        let restored = try DaemonUnderTest(environment: [
            "LIENTHONG_DATA_DIRECTORY": backupDirectory, "LIENTHONG_CERTS_DIRECTORY": daemon.path("Certs"),
            "LIENTHONG_DEMO": "false",
        ])
        let token = try String(contentsOfFile: daemon.token("clerk.tinh-dien-bien"), encoding: .utf8)
        let register = try await restored.http("GET", "/v1/registers/out", token: token)
        let rows = try #require(
            (try JSONSerialization.jsonObject(with: register.body) as? [String: Any])?["rows"] as? [[String]])
        #expect(rows.count == documents)
        let adminToken = try String(contentsOfFile: daemon.token(admin), encoding: .utf8)
        let check = try await restored.http("GET", "/v1/admin/check", token: adminToken)
        let checked = try #require(try JSONSerialization.jsonObject(with: check.body) as? [String: Any])
        #expect(
            (checked["problems"] as? [Any])?.isEmpty == true
                && (checked["audit"] as? [String: Any])?["firstBroken"] == nil, "\(checked)")
        #expect(checked["files"] as? Int == report["files"] as? Int)
        let document = try await restored.http("GET", "/v1/documents/\(first)", token: token)
        #expect(document.status == 200)
        let upload = try await restored.http(
            "POST", "/v1/files", body: Data("%PDF-1.7 Sau khôi phục\n".utf8), token: token)
        let sha = try #require(
            (try JSONSerialization.jsonObject(with: upload.body) as? [String: Any])?["sha256"] as? String)
        let body =
            #"{"files": [{"sha256": "\#(sha)", "name": "tb.pdf"}], "to": ["000.01.21.H18"], "type": "TB", "#
            + #""subject": "Sau khôi phục"}"#
        let sent = try await restored.http("POST", "/v1/documents", body: Data(body.utf8), token: token)
        #expect(sent.status == 201, "\(String(decoding: sent.body, as: UTF8.self))")
    }

    @Test func aLostPassphraseIsNeverReplacedWhereEncryptedKeysExist() throws {
        // The demo made its keys at the first start; now the passphrase file is gone.
        let data = daemon.workspace.appendingPathComponent("data-without-passphrase")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let start = try run(
            Binaries.url("lienthongd"), [], in: daemon.workspace,
            environment: [
                "LIENTHONG_PORT": "0", "LIENTHONG_DATA_DIRECTORY": data.path,
                "LIENTHONG_CERTS_DIRECTORY": daemon.path("Certs"),
            ])
        #expect(start.status != 0)
        #expect(
            start.stderr.contains("is encrypted with one") && start.stderr.contains("key-passphrase"),
            "\(start.stderr)")
        // Nothing was written: no new passphrase, no registry.
        #expect(try FileManager.default.contentsOfDirectory(atPath: data.path).isEmpty)
    }

    @Test func aStoredFileChangedOnDiskIsFoundWithTheDocumentsUsingIt() throws {
        let id = try send(1)
        #expect(try daemon.cli(["admin", "check"], as: admin).status == 0)
        let view = try #require(
            try json(daemon.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien").stdout) as? [String: Any])
        let sha = try #require((view["files"] as? [[String: Any]])?.first?["sha256"] as? String)
        let stored = daemon.path("data/blobs/\(sha.prefix(2))/\(sha)")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: stored)
        try Data("%PDF-1.7 Thông báo đã bị sửa\n".utf8).write(to: URL(fileURLWithPath: stored))
        let check = try daemon.cli(["admin", "check"], as: admin)
        #expect(check.status == 1)
        #expect(
            check.stdout.contains("CHANGED \(sha)") && check.stdout.contains("01/TB-UBND (\(id))"), "\(check.stdout)")
    }

    @Test func aSignatureChangedInTheRegistryIsFoundLikeAChangedFile() async throws {
        let id = try send(3)
        let view = try #require(
            try json(daemon.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien").stdout) as? [String: Any])
        let signature = try #require((view["files"] as? [[String: Any]])?.first?["signatureSHA256"] as? String)
        // The signature is held in the registry, not under blobs/, and served as it was filed.
        #expect(!FileManager.default.fileExists(atPath: daemon.path("data/blobs/\(signature.prefix(2))/\(signature)")))
        let served = try await daemon.http("GET", "/v1/documents/\(id)/files/0/signature", as: "clerk.xa-na-son")
        #expect(served.status == 200 && Digest.sha256(served.body) == signature)

        let edit = try run(
            URL(fileURLWithPath: "/usr/bin/sqlite3"),
            [
                daemon.path("data/registry.sqlite"),
                "UPDATE blob SET bytes = zeroblob(length(bytes)) WHERE sha256 = '\(signature)';",
            ], in: daemon.workspace)
        #expect(edit.status == 0, "\(edit.stderr)")
        let check = try daemon.cli(["admin", "check"], as: admin)
        #expect(check.status == 1)
        #expect(check.stdout.contains("CHANGED \(signature)") && check.stdout.contains("(\(id))"), "\(check.stdout)")
    }
}
