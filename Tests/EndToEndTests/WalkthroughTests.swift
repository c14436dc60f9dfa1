import Foundation
import LienThongTestSupport
import Testing

/// The province's chairman approves a directive and its clerk sends it to `recipients` (the three communes by
/// default) with one attachment, through the CLI; the document as `send --json` prints it.
func sendDirective(_ daemon: DaemonUnderTest, to recipients: [String]) throws -> [String: Any] {
    let document = try daemon.write("chi-thi.pdf", "Chỉ thị về tăng cường cải cách hành chính năm 2026\n")
    let attachment = try daemon.write("ke-hoach.txt", "Kế hoạch triển khai\n")
    // The chairman approves the directive for his signature; the clerk sends it with that approval.
    let approved = try daemon.cli(["approve", document, "--json"], as: "signer.tinh-dien-bien")
    let approval = try #require(
        (try json(approved.stdout) as? [String: Any])?["id"] as? String, "\(approved.stderr)")
    let sent = try daemon.cli(
        [
            "send", document, attachment, "--to", recipients.joined(separator: ","),
            "--type", "CT", "--subject", "Về tăng cường cải cách hành chính năm 2026",
            "--deadline", "10wd", "--approval", approval, "--json",
        ], as: "clerk.tinh-dien-bien")
    #expect(sent.status == 0, "\(sent.stderr)\n\(daemon.logText)")
    return try #require(try json(sent.stdout) as? [String: Any])
}

let threeCommunes = ["000.01.21.H18", "000.02.21.H18", "000.03.21.H18"]

/// The README's five-minute walkthrough, driven through the real CLI against the real daemon, from its very first
/// start: a People's Committee sends a signed directive to three communes, they verify, register or return it, and
/// the sender tracks them.
@Suite("End to end: one agency to three")
final class WalkthroughTests {
    let daemon: DaemonUnderTest
    let communes = threeCommunes

    init() throws {
        daemon = try DaemonUnderTest(environment: ["LIENTHONG_SIGNER_APPROVAL": "required"], freshSetup: true)
    }

    private func send(to recipients: [String]? = nil) throws -> [String: Any] {
        try sendDirective(daemon, to: recipients ?? communes)
    }

    @Test func theWalkthroughWorksAsTheReadmeShows() throws {
        #expect(daemon.logText.contains("DEMO SETUP"))
        let document = try send()
        let id = try #require(document["id"] as? String)
        #expect(document["numberAndSymbol"] as? String == "01/CT-UBND")
        let signatures = try #require(document["signatures"] as? [[String: Any]])
        #expect(signatures.map { $0["role"] as? String } == ["signer", "seal", "seal"])
        #expect((document["recipients"] as? [[String: Any]])?.count == 3)

        // A second send gets the next number.
        #expect(try send()["numberAndSymbol"] as? String == "02/CT-UBND")

        // Each commune sees it in its inbox with status 01.
        for commune in ["clerk.xa-na-son", "clerk.xa-phi-nhu", "clerk.xa-xa-dung"] {
            let inbox = try daemon.cli(["inbox"], as: commune)
            #expect(inbox.status == 0)
            #expect(inbox.stdout.contains("01/CT-UBND") && inbox.stdout.contains("01 Đã đến"))
        }
        // Searched as a clerk types, without diacritics; not yet opened by anyone of the commune.
        let searched = try daemon.cli(["inbox", "--search", "CAI CACH", "--unread"], as: "clerk.xa-na-son")
        #expect(searched.stdout.contains("01/CT-UBND") && searched.stdout.contains("not yet opened"), "\(searched)")
        #expect(
            try daemon.cli(["inbox", "--search", "lut bao"], as: "clerk.xa-na-son").stdout.contains("Nothing matches"))
        // A commune it was not sent to sees nothing, and cannot fetch it.
        #expect(try daemon.cli(["inbox"], as: "clerk.xa-muong-luan").stdout.contains("empty"))
        let foreign = try daemon.cli(["get", id, "--out", daemon.path("stolen")], as: "clerk.xa-muong-luan")
        #expect(foreign.status != 0 && foreign.stderr.contains("document-not-found"))
        #expect(!FileManager.default.fileExists(atPath: daemon.path("stolen/chi-thi.pdf")))

        // Export and verify offline, with no daemon involved.
        let got = try daemon.cli(["get", id, "--out", daemon.path("received")], as: "clerk.xa-na-son")
        #expect(got.status == 0, "\(got.stderr)")
        let verified = try daemon.cli(["verify", daemon.path("received")])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(verified.stdout.contains("Nguyễn Văn An"))
        #expect(verified.stdout.contains("Result: TOTAL_PASSED"))

        // Stock OpenSSL agrees.
        let openssl = try run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "cms", "-verify", "-binary", "-inform", "DER", "-in", daemon.path("received/chi-thi.pdf.p7s"),
                "-content", daemon.path("received/chi-thi.pdf"), "-CAfile", daemon.trustAnchor, "-out", "/dev/null",
            ], in: daemon.workspace)
        #expect(openssl.status == 0, "\(openssl.stderr)")

        // Register (03 with số đến 1), return (02 with a reason), and leave one at 01.
        let ack = try daemon.cli(["ack", id, "--json"], as: "clerk.xa-na-son")
        #expect(ack.status == 0, "\(ack.stderr)")
        #expect((try json(ack.stdout) as? [String: Any])?["arrivalNumber"] as? Int == 1)
        let again = try daemon.cli(["ack", id], as: "clerk.xa-na-son")
        #expect(again.status != 0 && again.stderr.contains("cannot move to 03"))
        let reject = try daemon.cli(["reject", id, "--reason", "Gửi nhầm địa chỉ"], as: "clerk.xa-phi-nhu")
        #expect(reject.status == 0, "\(reject.stderr)")

        let track = try daemon.cli(["track", id, "--json"], as: "clerk.tinh-dien-bien")
        let recipients = try #require((try json(track.stdout) as? [String: Any])?["recipients"] as? [[String: Any]])
        let statuses = Dictionary(
            uniqueKeysWithValues: recipients.map {
                (($0["recipient"] as? [String: Any])?["code"] as? String ?? "", $0["status"] as? String ?? "")
            })
        #expect(statuses == ["000.01.21.H18": "03", "000.02.21.H18": "02", "000.03.21.H18": "01"])
        let rejected = try #require(recipients.first { $0["status"] as? String == "02" })
        let history = try #require(rejected["history"] as? [[String: Any]])
        #expect(history.map { $0["status"] as? String } == ["01", "02"])
        #expect(history.last?["note"] as? String == "Gửi nhầm địa chỉ")
        #expect((history.last?["at"] as? String)?.hasSuffix("+07:00") == true)
        let human = try daemon.cli(["track", id], as: "clerk.tinh-dien-bien")
        #expect(human.stdout.contains("03 Đã tiếp nhận") && human.stdout.contains("02 Từ chối"))
    }
}

/// What the CLI says of what it is given: offline verification naming what failed (and accepting a signature made
/// with stock OpenSSL), and bad input refused in one line with nothing filed. One daemon for the suite.
@Suite(
    "End to end: the CLI's verify and its refusals", .serialized,
    .sharedDaemon(["LIENTHONG_SIGNER_APPROVAL": "required"]))
final class CLIVerifyAndRefusalTests {
    let daemon: DaemonUnderTest
    let communes = threeCommunes

    init() throws { daemon = try #require(SharedDaemon.current) }

    private func send(to recipients: [String]? = nil) throws -> [String: Any] {
        try sendDirective(daemon, to: recipients ?? communes)
    }

    @Test func verifyNamesWhatFailed() throws {
        let id = try #require(try send()["id"] as? String)
        #expect(try daemon.cli(["get", id, "--out", daemon.path("doc")], as: "clerk.xa-xa-dung").status == 0)
        let fm = FileManager.default

        // One changed byte in the document.
        try fm.copyItem(atPath: daemon.path("doc"), toPath: daemon.path("changed"))
        var bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.path("changed/chi-thi.pdf")))
        bytes[3] ^= 0x20
        try bytes.write(to: URL(fileURLWithPath: daemon.path("changed/chi-thi.pdf")))
        let changed = try daemon.cli(["verify", daemon.path("changed")])
        #expect(changed.status == 1)
        #expect(changed.stdout.contains("FAIL message-digest") && changed.stdout.contains("HASH_FAILURE"))

        // One changed byte in a signed attribute: the signing-time.
        try fm.copyItem(atPath: daemon.path("doc"), toPath: daemon.path("badsig"))
        let p7s = URL(fileURLWithPath: daemon.path("badsig/chi-thi.pdf.p7s"))
        var signature = try Data(contentsOf: p7s)
        let signingTime: [UInt8] = [
            0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x09, 0x05, 0x31, 0x0F, 0x17, 0x0D,
        ]
        let at = try #require(signature.firstRange(of: signingTime))
        signature[at.upperBound + 11] ^= 0x01  // a digit of the seconds
        try signature.write(to: p7s)
        let badSignature = try daemon.cli(["verify", daemon.path("badsig"), "--json"])
        #expect(badSignature.status == 1)
        #expect(badSignature.stdout.contains("SIG_CRYPTO_FAILURE"))

        // The attachment's seal alone does not make a document: a missing seal on the main file is named.
        let attachmentAsDocument = try daemon.cli(["verify", daemon.path("doc/ke-hoach.txt"), "--expect", "document"])
        #expect(attachmentAsDocument.status == 1)
        #expect(attachmentAsDocument.stdout.contains("FAIL signer-signature-present"))

        // A signature by certificates outside the trust anchors.
        let strangerRoot = try daemon.write("other-root.pem", try strangerAnchor())
        let untrusted = try daemon.cli(["verify", daemon.path("doc"), "--trust", strangerRoot])
        #expect(untrusted.status == 1)
        #expect(untrusted.stdout.contains("NO_CERTIFICATE_CHAIN_FOUND"))
    }

    @Test func aSignatureMadeWithStockOpenSSLVerifies() throws {
        let demo = daemon.workspace.appendingPathComponent("Certs/demo")
        let file = try daemon.write("bao-cao.txt", "Báo cáo tình hình cải cách hành chính\n")
        let signed = try run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "cms", "-sign", "-binary", "-md", "sha256", "-in", file, "-outform", "DER", "-out", file + ".p7s",
                "-signer", demo.appendingPathComponent("users/signer.xa-na-son.pem").path,
                "-inkey", demo.appendingPathComponent("users/signer.xa-na-son.key").path,
                "-signer", demo.appendingPathComponent("agencies/000.01.21.H18.pem").path,
                "-inkey", demo.appendingPathComponent("agencies/000.01.21.H18.key").path,
                "-certfile", demo.appendingPathComponent("agency-ca.pem").path, "-passin",
                "file:" + daemon.path("data/key-passphrase"),
            ], in: daemon.workspace)
        #expect(signed.status == 0, "\(signed.stderr)")
        let verified = try daemon.cli(["verify", file, "--trust", daemon.trustAnchor])
        #expect(verified.status == 0, "\(verified.stdout)")
        #expect(verified.stdout.contains("Lò Văn Dũng"))
        // Signed by a person only, with no seal: refused as a document, accepted as "any".
        let personOnly = try run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "cms", "-sign", "-binary", "-in", file, "-outform", "DER", "-out", file + ".person.p7s",
                "-signer", demo.appendingPathComponent("users/signer.xa-na-son.pem").path,
                "-inkey", demo.appendingPathComponent("users/signer.xa-na-son.key").path, "-passin",
                "file:" + daemon.path("data/key-passphrase"),
            ], in: daemon.workspace)
        #expect(personOnly.status == 0)
        let noSeal = try daemon.cli([
            "verify", file, "--signature", file + ".person.p7s", "--trust", daemon.trustAnchor,
        ])
        #expect(noSeal.status == 1 && noSeal.stdout.contains("FAIL agency-seal-present"))
        // That signature embeds only the signer's certificate: the verifier brings the intermediate.
        let intermediate = demo.appendingPathComponent("agency-ca.pem").path
        let any = try daemon.cli([
            "verify", file, "--signature", file + ".person.p7s", "--expect", "any",
            "--trust", daemon.trustAnchor, "--trust", intermediate,
        ])
        #expect(any.status == 0, "\(any.stdout)")
        let withoutIntermediate = try daemon.cli([
            "verify", file, "--signature", file + ".person.p7s", "--expect", "any",
        ])
        #expect(withoutIntermediate.status == 1 && withoutIntermediate.stdout.contains("NO_CERTIFICATE_CHAIN_FOUND"))
    }

    @Test func badInputIsRefusedClearlyAndLeavesNothingBehind() throws {
        let register = try daemon.cli(["register", "out", "--format", "json"], as: "clerk.tinh-dien-bien")
        let filed = try #require(((try json(register.stdout) as? [String: Any])?["rows"] as? [[String]])?.count)
        let file = try daemon.write("cv.pdf", "công văn\n")
        let cases: [([String], String)] = [
            (["send", file, "--to", "000.09.99.H18", "--type", "CT", "--subject", "x"], "unknown-agency"),
            (["send", file, "--to", "000.00.21.H18", "--type", "CT", "--subject", "x"], "retired-agency"),
            (["send", file, "--to", "12345", "--type", "CT", "--subject", "x"], "DDD.DD.DD.LDD"),
            (["send", file, "--to", "000.01.21.H18", "--type", "XYZ", "--subject", "x"], "document type"),
            (
                [
                    "send", file, "--to", "000.01.21.H18", "--type", "CT", "--subject",
                    String(repeating: "ả", count: 501),
                ], "at most 500"
            ),
            (["send", file, "--to", "000.01.21.H18", "--type", "CV", "--subject", "x"], "drafting unit"),
            (["send", file, "--to", "000.01.21.H18", "--type", "CT", "--subject", "x", "--deadline", "soon"], "10wd"),
            (
                ["send", daemon.path("missing.pdf"), "--to", "000.01.21.H18", "--type", "CT", "--subject", "x"],
                "is not a file"
            ),
        ]
        for (arguments, expected) in cases {
            let result = try daemon.cli(arguments, as: "clerk.tinh-dien-bien")
            #expect(result.status != 0, "\(arguments)")
            #expect(
                result.stderr.hasPrefix("lienthong: ") && result.stderr.contains(expected),
                "\(arguments): \(result.stderr)")
            #expect(result.stderr.split(separator: "\n").count == 1, "one line on stderr: \(result.stderr)")
        }
        // A signer cannot send; no token at all is not signed in.
        #expect(
            try daemon.cli(
                ["send", file, "--to", "000.01.21.H18", "--type", "CT", "--subject", "x"], as: "signer.tinh-dien-bien"
            )
            .stderr.contains("forbidden"))
        #expect(try daemon.cli(["inbox", "--token", "lt_forged"]).stderr.contains("unauthenticated"))
        // None of the refusals filed a document or used a number: the next send has the next one.
        let next = try send()
        #expect(next["number"] as? Int == filed + 1)
        #expect(next["numberAndSymbol"] as? String == String(format: "%02d/CT-UBND", filed + 1))
    }

    /// A root CA that has nothing to do with the demo PKI.
    private func strangerAnchor() throws -> String {
        let key = daemon.path("stranger.key")
        let cert = daemon.path("stranger.pem")
        let made = try run(
            URL(fileURLWithPath: "/usr/bin/openssl"),
            [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-subj",
                "/CN=Stranger Root", "-days", "30",
            ], in: daemon.workspace)
        #expect(made.status == 0)
        return try String(contentsOfFile: cert, encoding: .utf8)
    }

    @Test func anArgumentCannotReachAnotherRoute() throws {
        // Ids are UUIDs, checked before anything is sent (issue 14: these once retired an agency
        // and revoked a user with an admin's token).
        let retire = try daemon.cli(
            ["reject", "../agencies/000.02.21.H18/retire?", "--reason", "x"], as: "admin.tinh-dien-bien")
        #expect(retire.status != 0 && retire.stderr.contains("is not a document id"), "\(retire.stderr)")
        let revoke = try daemon.cli(["ack", "../admin/users/clerk.xa-na-son/revoke?"], as: "admin.tinh-dien-bien")
        #expect(revoke.status != 0 && revoke.stderr.contains("is not a document id"), "\(revoke.stderr)")
        // Names and codes travel as one percent-encoded segment: this one names no user.
        let climb = try daemon.cli(
            ["admin", "user", "revoke", "../../agencies/000.02.21.H18/retire?"], as: "admin.tinh-dien-bien")
        #expect(climb.status != 0, "\(climb.stdout)")
        let agency = try daemon.cli(["agencies", "show", "000.02.21.H18", "--json"], as: "admin.tinh-dien-bien")
        #expect(
            (try json(agency.stdout) as? [String: Any])?["status"] as? String == "active",
            "\(agency.stdout)\(agency.stderr)")
        #expect(try daemon.cli(["inbox"], as: "clerk.xa-na-son").status == 0, "the clerk's token still opens the inbox")
    }

    /// A PDF directive sent through the CLI comes back from `get` signed inside, the Decree 30 way: it verifies
    /// from the PDF alone, its detached signature still holds, and pyHanko, trusting the demo root only, finds both
    /// signatures valid.
    @Test func aPDFSentThroughTheCLIIsSignedInsideAndValidForPyHanko() throws {
        try SamplePDF.directive().write(to: URL(fileURLWithPath: daemon.path("chi-thi-pdf.pdf")))
        let approved = try daemon.cli(
            ["approve", daemon.path("chi-thi-pdf.pdf"), "--json"], as: "signer.tinh-dien-bien")
        let approval = try #require((try json(approved.stdout) as? [String: Any])?["id"] as? String)
        let sent = try daemon.cli(
            [
                "send", daemon.path("chi-thi-pdf.pdf"), "--to", threeCommunes[0], "--type", "CT",
                "--subject", "Về đẩy mạnh cải cách hành chính", "--approval", approval, "--json",
            ], as: "clerk.tinh-dien-bien")
        #expect(sent.status == 0, "\(sent.stderr)")
        let document = try #require(try json(sent.stdout) as? [String: Any])
        let id = try #require(document["id"] as? String)
        let number = try #require(document["numberAndSymbol"] as? String)
        let got = try daemon.cli(["get", id, "--out", daemon.path("pdf-received")], as: "clerk.xa-na-son")
        #expect(got.status == 0, "\(got.stderr)")
        let received = daemon.path("pdf-received/chi-thi-pdf.pdf")

        // With its .p7s beside it, as every package; then the PDF alone, as a commune that got it by e-mail.
        let detached = try daemon.cli(["verify", daemon.path("pdf-received")])
        #expect(detached.status == 0, "\(detached.stdout)\(detached.stderr)")
        try FileManager.default.createDirectory(
            atPath: daemon.path("pdf-alone"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: received, toPath: daemon.path("pdf-alone/chi-thi.pdf"))
        let alone = try daemon.cli(["verify", daemon.path("pdf-alone/chi-thi.pdf"), "--trust", daemon.trustAnchor])
        #expect(alone.status == 0 && alone.stdout.contains("File signature ChuKyNguoiKy"), "\(alone.stdout)")
        #expect(alone.stdout.contains("File signature ChuKyCoQuan"), "\(alone.stdout)")

        // pyHanko: intact, valid, trusted, with the demo root as the only anchor and no network.
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LienThongPDFTests/validate.py")
        let peer = try run(
            URL(fileURLWithPath: "/usr/bin/env"), ["python3", script.path, daemon.trustAnchor, received],
            in: daemon.workspace)
        let lines = peer.stdout.split(separator: "\n").filter { $0.contains("|") }
        #expect(lines.count == 2 && lines.allSatisfy { $0.contains("|True|True|True|True|") }, "\(peer.stdout)")
        // And what a reader shows says who issued it, under which number.
        let text = try run(
            URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-enc", "UTF-8", received, "-"], in: daemon.workspace)
        let shown = text.stdout.precomposedStringWithCanonicalMapping
        #expect(shown.contains("Số: \(number)") && shown.contains("Ủy ban nhân dân tỉnh Điện Biên"), "\(shown)")

        // The clerk reads, in the send's own words, that the PDF is signed inside and how.
        let again = try daemon.cli(["approve", daemon.path("chi-thi-pdf.pdf"), "--json"], as: "signer.tinh-dien-bien")
        let second = try #require((try json(again.stdout) as? [String: Any])?["id"] as? String)
        let human = try daemon.cli(
            [
                "send", daemon.path("chi-thi-pdf.pdf"), "--to", threeCommunes[1], "--type", "CT",
                "--subject", "Về đẩy mạnh cải cách hành chính", "--approval", second,
            ], as: "clerk.tinh-dien-bien")
        #expect(
            human.stdout.contains(
                "chi-thi-pdf.pdf is signed inside too, as a PDF shows it: number and date placeholders, signer's "
                    + "signature, number and date, agency's seal, validation data"), "\(human.stdout)\(human.stderr)")
    }

    /// A PDF that carries its signatures (PAdES), signed by another system's software (pyHanko): the leader's
    /// signature, then the agency's seal; `lienthong verify` needs nothing but the PDF and the trust anchors.
    @Test func aPDFSignedElsewhereIsVerifiedFromThePDFAlone() throws {
        let demo = daemon.workspace.appendingPathComponent("Certs/demo")
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LienThongPDFTests/sign.py")
        let passphrase = try String(contentsOfFile: daemon.path("data/key-passphrase"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        func sign(_ input: String, _ output: String, as who: String, field: String) throws {
            let signed = try run(
                URL(fileURLWithPath: "/usr/bin/env"),
                [
                    "python3", script.path, demo.appendingPathComponent("\(who).key").path, passphrase,
                    demo.appendingPathComponent("\(who).pem").path, demo.appendingPathComponent("agency-ca.pem").path,
                    daemon.path(input), daemon.path(output), field, "pss",
                ], in: daemon.workspace)
            #expect(signed.status == 0, "\(signed.stderr)")
        }
        try SamplePDF.minimal().write(to: URL(fileURLWithPath: daemon.path("cong-van.pdf")))
        try sign("cong-van.pdf", "duyet.pdf", as: "users/signer.tinh-dien-bien", field: "ChuKyLanhDao")
        try sign("duyet.pdf", "ban-hanh.pdf", as: "agencies/000.00.00.H18", field: "ConDau")

        let verified = try daemon.cli(["verify", daemon.path("ban-hanh.pdf"), "--trust", daemon.trustAnchor])
        #expect(verified.status == 0, "\(verified.stdout)\(verified.stderr)")
        #expect(
            verified.stdout.contains("File signature ChuKyLanhDao") && verified.stdout.contains("File signature ConDau")
                && verified.stdout.contains("Result: TOTAL_PASSED"), "\(verified.stdout)")
        // The leader's signature alone is not an issued document; a changed byte is named.
        let unsealed = try daemon.cli(["verify", daemon.path("duyet.pdf"), "--trust", daemon.trustAnchor])
        #expect(unsealed.status == 1 && unsealed.stdout.contains("FAIL agency-seal-present"), "\(unsealed.stdout)")
        var bytes = try Data(contentsOf: URL(fileURLWithPath: daemon.path("ban-hanh.pdf")))
        bytes[try #require(bytes.firstRange(of: Data("Cong van".utf8))).lowerBound] = UInt8(ascii: "K")
        try bytes.write(to: URL(fileURLWithPath: daemon.path("sua.pdf")))
        let changed = try daemon.cli(["verify", daemon.path("sua.pdf"), "--trust", daemon.trustAnchor, "--json"])
        #expect(changed.status == 1 && changed.stdout.contains("HASH_FAILURE"), "\(changed.stdout)")
    }
}
