import Foundation
import LienThongTestSupport
import Testing

private let clerk = "clerk.tinh-dien-bien"
private let signer = "signer.tinh-dien-bien"
private let admin = "admin.tinh-dien-bien"

/// Only the signer's own decision puts their key to use: with `signerApproval: required`, a clerk sends a document
/// signed in a leader's name only with that leader's approval of the exact main file, once, before it expires.
@Suite("Signer approvals, over HTTP in process")
struct SignerApprovalHTTPTests {
    /// The server with approvals required, and the calls its tests make.
    struct Desk {
        let server: LiveServer

        static func run(_ body: @Sendable (Desk) async throws -> Void) async throws {
            try await LiveServer.run(environment: ["LIENTHONG_SIGNER_APPROVAL": "required"]) {
                try await body(Desk(server: $0))
            }
        }

        func object(_ data: Data) throws -> [String: Any] {
            try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        }

        func upload(_ text: String) async throws -> String {
            let upload = try await server.http("POST", "/v1/files", body: Data(text.utf8), as: clerk)
            return try #require(try object(upload.body)["sha256"] as? String)
        }

        func approve(_ sha256: String, as user: String = signer) async throws -> (status: Int, body: [String: Any]) {
            let answer = try await server.http(
                "POST", "/v1/approvals", body: JSONSerialization.data(withJSONObject: ["sha256": sha256]), as: user)
            return (answer.status, try object(answer.body))
        }

        func send(
            _ sha256: String, approval: String?, signer named: String? = nil
        ) async throws -> (status: Int, body: [String: Any]) {
            var body: [String: Any] = [
                "files": [["sha256": sha256, "name": "qd.pdf"]], "to": ["000.01.21.H18"], "type": "QĐ",
                "subject": "Quyết định",
            ]
            body["approval"] = approval
            body["signer"] = named
            let answer = try await server.http(
                "POST", "/v1/documents", body: JSONSerialization.data(withJSONObject: body), as: clerk)
            return (answer.status, try object(answer.body))
        }
    }

    @Test func anApprovalSignsOnlyItsFileForItsAgencyAndOnlyOnce() async throws {
        try await Desk.run { desk in
            let server = desk.server
            let approvedFile = try await desk.upload("bản đã duyệt\n")
            let otherFile = try await desk.upload("bản khác\n")
            let (status, granted) = try await desk.approve(approvedFile)
            #expect(status == 201 && granted["status"] as? String == "open", "\(granted)")
            let approval = try #require(granted["id"] as? String)

            // Other bytes under the approval: refused, naming both hashes.
            let mismatch = try await desk.send(otherFile, approval: approval)
            #expect(
                mismatch.status == 422
                    && mismatch.body["type"] as? String == "urn:lienthong:problem:approval-mismatch",
                "\(mismatch.body)")
            #expect((mismatch.body["detail"] as? String ?? "").contains(otherFile))
            // Another signer named beside the approval: refused.
            #expect(try await desk.send(approvedFile, approval: approval, signer: "signer.xa-na-son").status == 422)
            // A commune's clerk, holding the same bytes, cannot use the province's approval: it does not exist
            // for them.
            _ = try await server.http(
                "POST", "/v1/files", body: Data("bản đã duyệt\n".utf8), as: "clerk.xa-na-son")
            let foreign = try await server.http(
                "POST", "/v1/documents",
                body: JSONSerialization.data(withJSONObject: [
                    "files": [["sha256": approvedFile, "name": "qd.pdf"]], "to": ["000.00.00.H18"], "type": "QĐ",
                    "subject": "x", "approval": approval,
                ]), as: "clerk.xa-na-son")
            let foreignDetail = try desk.object(foreign.body)["detail"] as? String ?? ""
            #expect(foreign.status == 422 && foreignDetail.contains("no approval"), "\(foreignDetail)")
            #expect(try await server.outgoingCount(as: clerk) == 0)

            // Two sends racing on one approval: exactly one is filed.
            let body = try JSONSerialization.data(withJSONObject: [
                "files": [["sha256": approvedFile, "name": "qd.pdf"]], "to": ["000.01.21.H18"], "type": "QĐ",
                "subject": "Quyết định", "approval": approval,
            ])
            let outcomes = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<4 {
                    group.addTask { try await server.http("POST", "/v1/documents", body: body, as: clerk).status }
                }
                return try await group.reduce(into: [Int]()) { $0.append($1) }
            }
            #expect(outcomes.sorted() == [201, 409, 409, 409], "\(outcomes)")
            #expect(try await server.outgoingCount(as: clerk) == 1)

            // The audit log has the grant.
            let audit = try await server.http("GET", "/v1/admin/audit?limit=50", as: admin)
            #expect(String(decoding: audit.body, as: UTF8.self).contains("approval.granted"))
        }
    }

    @Test func aWithdrawnApprovalOrARevokedSignerSignsNothing() async throws {
        try await Desk.run { desk in
            let server = desk.server
            let file = try await desk.upload("dự thảo\n")
            let first = try #require(try await desk.approve(file).body["id"] as? String)
            // Only the signer who granted it withdraws it.
            #expect(try await server.http("POST", "/v1/approvals/\(first)/withdraw", as: clerk).status == 404)
            #expect(try await server.http("POST", "/v1/approvals/\(first)/withdraw", as: signer).status == 200)
            let afterWithdrawal = try await desk.send(file, approval: first)
            #expect(
                afterWithdrawal.status == 409
                    && (afterWithdrawal.body["detail"] as? String ?? "").contains("withdrawn"),
                "\(afterWithdrawal.body)")

            // An approval outlives nothing: once the signer's access is revoked, it signs nothing.
            let second = try #require(try await desk.approve(file).body["id"] as? String)
            #expect(try await server.http("POST", "/v1/admin/users/\(signer)/revoke", as: admin).status == 200)
            let afterRevocation = try await desk.send(file, approval: second)
            #expect(
                afterRevocation.status == 409
                    && (afterRevocation.body["detail"] as? String ?? "").contains("withdrawn"),
                "\(afterRevocation.body)")
            // A new token gives the signer access back, but not the approval made before the revocation (issue 14).
            #expect(try await server.http("POST", "/v1/admin/users/\(signer)/tokens", as: admin).status == 201)
            let afterNewToken = try await desk.send(file, approval: second)
            #expect(
                afterNewToken.status == 409 && (afterNewToken.body["detail"] as? String ?? "").contains("withdrawn"),
                "\(afterNewToken.body)")
            #expect(try await server.outgoingCount(as: clerk) == 0)
        }
    }

    @Test func badApprovalsAreRefusedClearly() async throws {
        try await Desk.run { desk in
            let file = try await desk.upload("x\n")
            let cases: [([String: Any], String, Int)] = [
                (["sha256": "abc"], "not a SHA-256", 400),
                (["sha256": file, "validForHours": 0], "validForHours", 400),
                (["sha256": file, "validForHours": 721], "validForHours", 400),
                (["sha256": file, "note": String(repeating: "ố", count: 501)], "500", 422),
            ]
            for (body, message, status) in cases {
                let answer = try await desk.server.http(
                    "POST", "/v1/approvals", body: JSONSerialization.data(withJSONObject: body), as: signer)
                #expect(
                    answer.status == status && String(decoding: answer.body, as: UTF8.self).contains(message),
                    "\(body): \(answer.status) \(String(decoding: answer.body, as: UTF8.self))")
            }
            for user in [clerk, "viewer.tinh-dien-bien", admin] {
                #expect(try await desk.approve(file, as: user).status == 403)
            }
            #expect(try await desk.send(file, approval: "not-an-id").status == 422)
            #expect(try await desk.send(file, approval: UUID().uuidString).status == 422)
            #expect(try await desk.server.http("GET", "/v1/approvals", as: "statistician.tinh-dien-bien").status == 403)
        }
    }
}
