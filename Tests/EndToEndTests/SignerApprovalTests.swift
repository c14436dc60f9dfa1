import Foundation
import Testing

/// Only the signer's own decision puts their key to use: with the default `signerApproval:
/// required`, a clerk sends a document signed in a leader's name only with that leader's
/// approval of the exact main file, once, before it expires.
@Suite("End to end: signer approvals", .serialized)
final class SignerApprovalTests {
    let daemon: DaemonUnderTest
    let clerk = "clerk.tinh-dien-bien", signer = "signer.tinh-dien-bien"

    init() throws { daemon = try DaemonUnderTest(environment: ["LIENTHONG_SIGNER_APPROVAL": "required"]) }

    private func outgoingCount() throws -> Int {
        let register =
            try json(daemon.cli(["register", "out", "--format", "json"], as: clerk).stdout) as? [String: Any]
        return (register?["rows"] as? [[String]])?.count ?? -1
    }

    @Test func theCLIWalksTheSignerAndTheClerkThroughIt() throws {
        let file = try daemon.write("quyet-dinh.pdf", "Quyết định phê duyệt kế hoạch\n")
        let arguments = ["send", file, "--to", "000.01.21.H18", "--type", "QĐ", "--subject", "Về phê duyệt kế hoạch"]
        let unapproved = try daemon.cli(arguments, as: clerk)
        #expect(unapproved.status != 0 && unapproved.stderr.contains("lienthong approve"), "\(unapproved.stderr)")
        #expect(try outgoingCount() == 0)

        // The clerk cannot approve in the signer's stead.
        let byClerk = try daemon.cli(["approve", file], as: clerk)
        #expect(byClerk.status != 0 && byClerk.stderr.contains("only a signer approves"), "\(byClerk.stderr)")

        let approved = try daemon.cli(["approve", file, "--note", "Gửi UBND xã Nà Sản", "--json"], as: signer)
        #expect(approved.status == 0, "\(approved.stderr)")
        let approval = try #require((try json(approved.stdout) as? [String: Any])?["id"] as? String)
        let listed = try daemon.cli(["approvals"], as: clerk)
        #expect(listed.stdout.contains(approval) && listed.stdout.contains("Gửi UBND xã Nà Sản"), "\(listed.stdout)")

        let sent = try daemon.cli(arguments + ["--approval", approval, "--json"], as: clerk)
        #expect(sent.status == 0, "\(sent.stderr)")
        let document = try #require(try json(sent.stdout) as? [String: Any])
        let me = try #require(try json(daemon.cli(["whoami", "--json"], as: signer).stdout) as? [String: Any])
        #expect(document["signerName"] as? String == me["fullName"] as? String)
        #expect((document["signatures"] as? [[String: Any]])?.map { $0["role"] as? String } == ["signer", "seal"])
        #expect(try daemon.cli(["approvals"], as: clerk).stdout.contains("No open approvals"))

        // Used once: the same approval signs nothing more.
        let again = try daemon.cli(arguments + ["--approval", approval], as: clerk)
        #expect(again.status != 0 && again.stderr.contains("already used"), "\(again.stderr)")
        #expect(try outgoingCount() == 1)

        // The signer withdraws an approval; the administrator revokes the signer's access and gives it back.
        let second = try daemon.cli(["approve", file, "--json"], as: signer)
        let secondID = try #require((try json(second.stdout) as? [String: Any])?["id"] as? String)
        let withdrawn = try daemon.cli(["approvals", "--withdraw", secondID], as: signer)
        #expect(withdrawn.status == 0 && withdrawn.stdout.contains("Withdrew"), "\(withdrawn.stderr)")
        #expect(try daemon.cli(["admin", "user", "revoke", signer], as: "admin.tinh-dien-bien").status == 0)
        #expect(try daemon.cli(["admin", "user", "token", signer], as: "admin.tinh-dien-bien").status == 0)
    }
}
