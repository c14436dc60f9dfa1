import Foundation
import Testing

/// An exported document's identity is sealed by its issuer: an edited manifest, a dropped or
/// swapped attachment, a file added, listed twice or linked from elsewhere do not verify.
@Suite("End to end: the sealed identity of an export", .serialized, .sharedDaemon())
final class ExportIdentityTests {
    let daemon: DaemonUnderTest

    init() throws { daemon = try #require(SharedDaemon.current) }

    /// A document with one attachment from the province to Na Sơn, exported by Na Sơn into `folder`.
    private func export(_ folder: String, subject: String = "Về lịch tiếp công dân tháng 12") throws -> String {
        let main = try daemon.write("\(folder)-tb.pdf", "Thông báo \(folder)\n")
        let attachment = try daemon.write("\(folder)-lich.txt", "Lịch tiếp công dân \(folder)\n")
        let sent = try daemon.cli(
            ["send", main, attachment, "--to", "000.01.21.H18", "--type", "TB", "--subject", subject, "--json"],
            as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String)
        let got = try daemon.cli(["get", id, "--out", daemon.path(folder)], as: "clerk.xa-na-son")
        #expect(got.status == 0, "\(got.stderr)")
        return id
    }

    private func verify(_ folder: String) throws -> Run { try daemon.cli(["verify", daemon.path(folder)]) }

    private func url(_ folder: String, _ name: String) -> URL { URL(fileURLWithPath: daemon.path("\(folder)/\(name)")) }

    @Test func theIdentityIsSealedAndPrintedFromTheSealOnly() throws {
        let id = try export("ok")
        #expect(FileManager.default.fileExists(atPath: url("ok", "identity.json").path))
        let verified = try verify("ok")
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(
            verified.stdout.contains("sealed identity") && verified.stdout.contains("Về lịch tiếp công dân tháng 12"))
        let identity = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url("ok", "identity.json"))) as? [String: Any])
        #expect(identity["id"] as? String == id)
        #expect((identity["files"] as? [[String: Any]])?.map { $0["role"] as? String } == ["document", "attachment"])
        #expect((identity["recipients"] as? [[String: Any]])?.first?["code"] as? String == "000.01.21.H18")

        // The manifest edited to name the province with another number and subject: the sealed
        // identity is what is printed, and the edit changes nothing.
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url("ok", "manifest.json"))) as? [String: Any])
        var document = try #require(manifest["document"] as? [String: Any])
        document["subject"] = "Quyết định giả mạo"
        document["numberAndSymbol"] = "99/QĐ-UBND"
        manifest["document"] = document
        try JSONSerialization.data(withJSONObject: manifest).write(to: url("ok", "manifest.json"))
        let edited = try verify("ok")
        #expect(edited.status == 0)
        #expect(
            !edited.stdout.contains("Quyết định giả mạo") && !edited.stdout.contains("99/QĐ-UBND"), "\(edited.stdout)")

        // The identity itself edited: its seal fails, and nothing it says is believed.
        let text = try String(contentsOf: url("ok", "identity.json"), encoding: .utf8)
        try Data(text.replacingOccurrences(of: "tháng 12", with: "tháng 11").utf8).write(to: url("ok", "identity.json"))
        let forged = try verify("ok")
        #expect(forged.status == 1)
        #expect(forged.stdout.contains("HASH_FAILURE") && !forged.stdout.contains("tháng 11"), "\(forged.stdout)")
    }

    @Test func anAttachmentsSealCannotStandForTheIdentity() throws {
        // A clerk sends, as an attachment, an identity naming another issuer and number, then puts
        // it and its seal in an export's place of identity.json.
        _ = try export("real")
        var forged = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url("real", "identity.json")))
                as? [String: Any])
        forged["issuer"] = ["code": "000.00.00.G01", "name": "Văn phòng Chính phủ"]
        forged["numberAndSymbol"] = "99/QĐ-TTg"
        let lie = try daemon.write(
            "gia-mao.json",
            String(decoding: try JSONSerialization.data(withJSONObject: forged), as: UTF8.self))
        let cover = try daemon.write("bia.pdf", "bìa\n")
        let sent = try daemon.cli(
            [
                "send", cover, lie, "--to", "000.01.21.H18", "--type", "TB", "--subject", "Che giấu",
                "--json",
            ], as: "clerk.tinh-dien-bien")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String, "\(sent.stderr)")
        #expect(try daemon.cli(["get", id, "--out", daemon.path("lent")], as: "clerk.xa-na-son").status == 0)
        try FileManager.default.removeItem(at: url("real", "identity.json"))
        try FileManager.default.removeItem(at: url("real", "identity.json.p7s"))
        try FileManager.default.copyItem(at: url("lent", "gia-mao.json"), to: url("real", "identity.json"))
        try FileManager.default.copyItem(at: url("lent", "gia-mao.json.p7s"), to: url("real", "identity.json.p7s"))
        let verified = try verify("real")
        #expect(verified.status == 1)
        #expect(
            verified.stdout.contains("an attachment cannot stand for it") && !verified.stdout.contains("99/QĐ-TTg"),
            "\(verified.stdout)")
    }

    @Test func aTwinOfAListedFileInAnotherNormalFormIsFound() throws {
        // "Quyết định.pdf" as the clerk's system wrote it (NFC), and a forged twin whose name is the
        // same text decomposed (NFD): Swift calls the two names equal, the file system and verify do not.
        let nfc = "Quyết định.pdf"
        let nfd = nfc.decomposedStringWithCanonicalMapping
        #expect(nfc == nfd && Array(nfc.utf8) != Array(nfd.utf8))
        let main = daemon.workspace.appendingPathComponent(nfc)
        try Data("Quyết định\n".utf8).write(to: main)
        let sent = try daemon.cli(
            [
                "send", main.path, "--to", "000.01.21.H18", "--type", "QĐ", "--subject", "Quyết định",
                "--json",
            ], as: "clerk.tinh-dien-bien")
        let id = try #require((try json(sent.stdout) as? [String: Any])?["id"] as? String, "\(sent.stderr)")
        #expect(try daemon.cli(["get", id, "--out", daemon.path("nfc")], as: "clerk.xa-na-son").status == 0)
        #expect(try verify("nfc").status == 0)
        try Data("giả mạo\n".utf8).write(to: URL(fileURLWithPath: daemon.path("nfc") + "/" + nfd))
        let twin = try verify("nfc")
        #expect(
            twin.status == 1 && twin.stdout.contains("is in the folder but is not one of the document's files"),
            "\(twin.stdout)")
    }

    @Test func aDroppedOrSwappedAttachmentDoesNotVerify() throws {
        _ = try export("drop")
        let names = try FileManager.default.contentsOfDirectory(atPath: daemon.path("drop"))
        let attachment = try #require(names.first { $0.hasSuffix("-lich.txt") })
        try FileManager.default.removeItem(at: url("drop", attachment))
        try FileManager.default.removeItem(at: url("drop", attachment + ".p7s"))
        // The manifest is rewritten to match, as an attacker would.
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url("drop", "manifest.json"))) as? [String: Any])
        manifest["files"] = Array((manifest["files"] as? [[String: Any]] ?? []).prefix(1))
        try JSONSerialization.data(withJSONObject: manifest).write(to: url("drop", "manifest.json"))
        let dropped = try verify("drop")
        #expect(dropped.status == 1)
        #expect(dropped.stdout.contains("is missing from the folder"), "\(dropped.stdout)")

        // Another document of the same agency lends its attachment, under this one's name.
        _ = try export("other")
        let otherAttachment = try #require(
            try FileManager.default.contentsOfDirectory(atPath: daemon.path("other")).first {
                $0.hasSuffix("-lich.txt")
            })
        try FileManager.default.copyItem(at: url("other", otherAttachment), to: url("drop", attachment))
        try FileManager.default.copyItem(
            at: url("other", otherAttachment + ".p7s"), to: url("drop", attachment + ".p7s"))
        let swapped = try verify("drop")
        #expect(swapped.status == 1)
        #expect(
            swapped.stdout.contains("identity-hash") && swapped.stdout.contains("this is another file"),
            "\(swapped.stdout)")
        #expect(
            swapped.stdout.contains("document-binding") && swapped.stdout.contains("it comes from another document"))
    }

    @Test func extraFilesLinksAndOldExportsAreNamed() throws {
        _ = try export("extra")
        try Data("không thuộc văn bản".utf8).write(to: url("extra", "ghi-chu.txt"))
        let extra = try verify("extra")
        #expect(
            extra.status == 1
                && extra.stdout.contains("ghi-chu.txt is in the folder but is not one of the document's files"))
        try FileManager.default.removeItem(at: url("extra", "ghi-chu.txt"))

        // The main file replaced by a link to the same bytes elsewhere: verify reads only the folder's own files.
        let main = try #require(
            try FileManager.default.contentsOfDirectory(atPath: daemon.path("extra")).first { $0.hasSuffix("-tb.pdf") })
        try FileManager.default.moveItem(at: url("extra", main), to: URL(fileURLWithPath: daemon.path("outside.pdf")))
        try FileManager.default.createSymbolicLink(
            atPath: url("extra", main).path, withDestinationPath: daemon.path("outside.pdf"))
        let linked = try verify("extra")
        #expect(linked.status == 1 && linked.stdout.contains("is not a regular file"), "\(linked.stdout)")
        try FileManager.default.removeItem(at: url("extra", main))
        try FileManager.default.moveItem(at: URL(fileURLWithPath: daemon.path("outside.pdf")), to: url("extra", main))

        // The sealed identity taken out: its files name their document, so the removal is found.
        try FileManager.default.removeItem(at: url("extra", "identity.json"))
        try FileManager.default.removeItem(at: url("extra", "identity.json.p7s"))
        let removed = try verify("extra")
        #expect(
            removed.status == 1 && removed.stdout.contains("is missing from the folder: it was taken out"),
            "\(removed.stdout)")

        // An export made before identities were sealed: files signed without naming a document
        // (stock OpenSSL, as the daemon did then), verified from the manifest with a warning; a
        // file listed twice is refused.
        let demo = daemon.workspace.appendingPathComponent("Certs/demo")
        let attachment = try #require(
            try FileManager.default.contentsOfDirectory(atPath: daemon.path("extra"))
                .first { $0.hasSuffix("-lich.txt") })
        for (name, signers) in [
            (main, ["users/signer.tinh-dien-bien", "agencies/000.00.00.H18"]),
            (attachment, ["agencies/000.00.00.H18"]),
        ] {
            let signed = try run(
                URL(fileURLWithPath: "/usr/bin/openssl"),
                [
                    "cms", "-sign", "-binary", "-md", "sha256", "-in", url("extra", name).path, "-outform", "DER",
                    "-out", url("extra", name + ".p7s").path, "-certfile",
                    demo.appendingPathComponent("agency-ca.pem").path,
                    "-passin", "file:" + daemon.path("data/key-passphrase"),
                ]
                    + signers.flatMap {
                        [
                            "-signer", demo.appendingPathComponent("\($0).pem").path,
                            "-inkey", demo.appendingPathComponent("\($0).key").path,
                        ]
                    }, in: daemon.workspace)
            #expect(signed.status == 0, "\(signed.stderr)")
        }
        let old = try verify("extra")
        #expect(old.status == 0, "\(old.stdout)")
        #expect(old.stdout.contains("no sealed identity") && old.stdout.contains("NOT SEALED"))
        var manifest = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: url("extra", "manifest.json"))) as? [String: Any])
        let files = manifest["files"] as? [[String: Any]] ?? []
        manifest["files"] = files + [files[1]]
        try JSONSerialization.data(withJSONObject: manifest).write(to: url("extra", "manifest.json"))
        let twice = try verify("extra")
        #expect(twice.status == 1 && twice.stdout.contains("is listed twice"), "\(twice.stdout)")
    }
}
