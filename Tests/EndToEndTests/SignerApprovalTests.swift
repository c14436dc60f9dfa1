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

    private func object(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    private func upload(_ text: String) async throws -> String {
        let upload = try await daemon.http("POST", "/v1/files", body: Data(text.utf8), as: clerk)
        return try #require(try object(upload.body)["sha256"] as? String)
    }

    private func approve(_ sha256: String, as user: String? = nil) async throws -> (status: Int, body: [String: Any]) {
        let answer = try await daemon.http(
            "POST", "/v1/approvals", body: JSONSerialization.data(withJSONObject: ["sha256": sha256]),
            as: user ?? signer)
        return (answer.status, try object(answer.body))
    }

    private func send(
        _ sha256: String, approval: String?, signer named: String? = nil
    ) async throws -> (status: Int, body: [String: Any]) {
        var body: [String: Any] = [
            "files": [["sha256": sha256, "name": "qd.pdf"]], "to": ["000.01.21.H18"], "type": "QĐ",
            "subject": "Quyết định",
        ]
        body["approval"] = approval
        body["signer"] = named
        let answer = try await daemon.http(
            "POST", "/v1/documents", body: JSONSerialization.data(withJSONObject: body), as: clerk)
        return (answer.status, try object(answer.body))
    }

    private func outgoingCount() throws -> Int {
        let register =
            try json(daemon.cli(["register", "out", "--format", "json"], as: clerk).stdout) as? [String: Any]
        return (register?["rows"] as? [[String]])?.count ?? -1
    }

    @Test func theCLIWalksTheSignerAndTheClerkThroughIt() throws {
        let file = try daemon.write("quyet-dinh.pdf", "%PDF-1.7 Quyết định phê duyệt kế hoạch\n")
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
    }

    @Test func anApprovalSignsOnlyItsFileForItsAgencyAndOnlyOnce() async throws {
        let approvedFile = try await upload("%PDF-1.7 bản đã duyệt\n")
        let otherFile = try await upload("%PDF-1.7 bản khác\n")
        let (status, granted) = try await approve(approvedFile)
        #expect(status == 201 && granted["status"] as? String == "open", "\(granted)")
        let approval = try #require(granted["id"] as? String)

        // Other bytes under the approval: refused, naming both hashes.
        let mismatch = try await send(otherFile, approval: approval)
        #expect(
            mismatch.status == 422 && mismatch.body["type"] as? String == "urn:lienthong:problem:approval-mismatch",
            "\(mismatch.body)")
        #expect((mismatch.body["detail"] as? String ?? "").contains(otherFile))
        // Another signer named beside the approval: refused.
        #expect(try await send(approvedFile, approval: approval, signer: "signer.xa-na-son").status == 422)
        // A commune's clerk, holding the same bytes, cannot use the province's approval: it does not exist for them.
        _ = try await daemon.http(
            "POST", "/v1/files", body: Data("%PDF-1.7 bản đã duyệt\n".utf8), as: "clerk.xa-na-son")
        let foreign = try await daemon.http(
            "POST", "/v1/documents",
            body: JSONSerialization.data(withJSONObject: [
                "files": [["sha256": approvedFile, "name": "qd.pdf"]], "to": ["000.00.00.H18"], "type": "QĐ",
                "subject": "x", "approval": approval,
            ]), as: "clerk.xa-na-son")
        let foreignDetail = try object(foreign.body)["detail"] as? String ?? ""
        #expect(foreign.status == 422 && foreignDetail.contains("no approval"), "\(foreignDetail)")
        #expect(try outgoingCount() == 0)

        // Two sends racing on one approval: exactly one is filed.
        let body = try JSONSerialization.data(withJSONObject: [
            "files": [["sha256": approvedFile, "name": "qd.pdf"]], "to": ["000.01.21.H18"], "type": "QĐ",
            "subject": "Quyết định", "approval": approval,
        ])
        let (daemon, clerk) = (self.daemon, self.clerk)
        let outcomes = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await daemon.http("POST", "/v1/documents", body: body, as: clerk).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(outcomes.sorted() == [201, 409, 409, 409], "\(outcomes)")
        #expect(try outgoingCount() == 1)

        // The audit log has the grant.
        let audit = try daemon.cli(["admin", "audit", "list", "--limit", "50"], as: "admin.tinh-dien-bien")
        #expect(audit.stdout.contains("approval.granted"), "\(audit.stdout)")
    }

    @Test func aWithdrawnApprovalOrARevokedSignerSignsNothing() async throws {
        let file = try await upload("%PDF-1.7 dự thảo\n")
        let first = try #require(try await approve(file).body["id"] as? String)
        // Only the signer who granted it withdraws it.
        #expect(try await daemon.http("POST", "/v1/approvals/\(first)/withdraw", as: clerk).status == 404)
        let withdrawn = try daemon.cli(["approvals", "--withdraw", first], as: signer)
        #expect(withdrawn.status == 0 && withdrawn.stdout.contains("Withdrew"), "\(withdrawn.stderr)")
        let afterWithdrawal = try await send(file, approval: first)
        #expect(
            afterWithdrawal.status == 409 && (afterWithdrawal.body["detail"] as? String ?? "").contains("withdrawn"),
            "\(afterWithdrawal.body)")

        // An approval outlives nothing: once the signer's access is revoked, it signs nothing.
        let second = try #require(try await approve(file).body["id"] as? String)
        #expect(try daemon.cli(["admin", "user", "revoke", signer], as: "admin.tinh-dien-bien").status == 0)
        let afterRevocation = try await send(file, approval: second)
        #expect(
            afterRevocation.status == 409 && (afterRevocation.body["detail"] as? String ?? "").contains("withdrawn"),
            "\(afterRevocation.body)")
        // A new token gives the signer access back, but not the approval made before the revocation (issue 14).
        #expect(try daemon.cli(["admin", "user", "token", signer], as: "admin.tinh-dien-bien").status == 0)
        let afterNewToken = try await send(file, approval: second)
        #expect(
            afterNewToken.status == 409 && (afterNewToken.body["detail"] as? String ?? "").contains("withdrawn"),
            "\(afterNewToken.body)")
        #expect(try outgoingCount() == 0)
    }

    @Test func badApprovalsAreRefusedClearly() async throws {
        let file = try await upload("%PDF-1.7 x\n")
        let cases: [([String: Any], String, Int)] = [
            (["sha256": "abc"], "not a SHA-256", 400),
            (["sha256": file, "validForHours": 0], "validForHours", 400),
            (["sha256": file, "validForHours": 721], "validForHours", 400),
            (["sha256": file, "note": String(repeating: "ố", count: 501)], "500", 422),
        ]
        for (body, message, status) in cases {
            let answer = try await daemon.http(
                "POST", "/v1/approvals", body: JSONSerialization.data(withJSONObject: body), as: signer)
            #expect(
                answer.status == status && String(decoding: answer.body, as: UTF8.self).contains(message),
                "\(body): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
        }
        for user in [clerk, "viewer.tinh-dien-bien", "admin.tinh-dien-bien"] {
            #expect(try await approve(file, as: user).status == 403)
        }
        #expect(try await send(file, approval: "not-an-id").status == 422)
        #expect(try await send(file, approval: UUID().uuidString).status == 422)
        #expect(try await daemon.http("GET", "/v1/approvals", as: "statistician.tinh-dien-bien").status == 403)
    }
}
