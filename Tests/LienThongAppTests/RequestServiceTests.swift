import Foundation
import LienThongAPI
import LienThongApp
import LienThongCrypto
import LienThongRegistry
import Synchronization
import Testing

/// Uploads, Idempotency-Keys, signer approvals and open verification, without HTTP.
@Suite("Request services: uploads, idempotency, approvals, verification")
struct RequestServiceTests {
    @Test func anUploadIsKeptUnderItsHashAndARefusedOneLeavesNothing() async throws {
        let fixture = try await ServiceFixture(environment: ["LIENTHONG_MAX_UPLOAD_BYTES": "1000"])
        let uploads = fixture.services.uploads
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        let sha = try await fixture.upload("Công văn số 1")
        #expect(sha == Digest.sha256(Data("Công văn số 1".utf8)))
        #expect(try fixture.registry.documents.upload(sha256: sha, agency: clerk.agencyCode) != nil)
        #expect(
            await refusal { try await uploads.store(declaredSize: 5000, caller: clerk) { _ in } }
                == .fileTooLarge(limit: 1000))
        #expect(
            await refusal { try await uploads.store(declaredSize: nil, caller: clerk) { _ in } }
                == .invalidRequest("the file is empty: upload the document's bytes as the request body"))
        await expectRefusal("forbidden", "a viewer uploaded a file") {
            try await uploads.store(declaredSize: 1, caller: fixture.user("viewer.tinh-dien-bien")) { _ in }
        }
        let staging = fixture.workspace.configuration.dataURL.appendingPathComponent("blobs/staging")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: staging.path)) ?? []
        #expect(left.isEmpty, "\(left)")
    }

    @Test func anIdempotencyKeyAnswersOnceAndRefusesAnotherRequest() async throws {
        let fixture = try await ServiceFixture()
        let requests = fixture.services.idempotentRequests
        let body = Array(#"{"a":1}"#.utf8)
        let key = body.withUnsafeBytes { Idempotency(key: "k-1", username: "u", path: "/v1/documents", body: $0) }
        let runs = Mutex(0)
        let handle = { @Sendable () async throws -> IdempotentRequests.Answer in
            runs.withLock { $0 += 1 }
            return .init(status: 201, contentType: "application/json", body: Data(#"{"id":"x"}"#.utf8))
        }
        let first = try await requests.answer(key, handle: handle)
        let again = try await requests.answer(key, handle: handle)
        #expect(!first.replayed && again.replayed && again.answer.body == first.answer.body)
        #expect(runs.withLock { $0 } == 1)
        let other = Array(#"{"a":2}"#.utf8).withUnsafeBytes {
            Idempotency(key: "k-1", username: "u", path: "/v1/documents", body: $0)
        }
        #expect(await refusal { try await requests.answer(other, handle: handle) } == .idempotencyKeyReused)
        // A failed answer is not kept: the retry runs.
        let failing = Array(#"{"b":1}"#.utf8).withUnsafeBytes {
            Idempotency(key: "k-2", username: "u", path: "/v1/documents", body: $0)
        }
        _ = try await requests.answer(failing) {
            .init(status: 409, contentType: "application/problem+json", body: Data())
        }
        #expect(try await requests.answer(failing, handle: handle).replayed == false)
    }

    @Test func aSignerApprovesExactBytesOnceAndTheSendUsesThem() async throws {
        let fixture = try await ServiceFixture(environment: ["LIENTHONG_SIGNER_APPROVAL": "required"])
        let approvals = fixture.services.approvals
        let signer = try fixture.user("signer.tinh-dien-bien")
        let clerk = try fixture.user("clerk.tinh-dien-bien")
        let sha = try await fixture.upload("Quyết định")
        let request = { (approval: String?) in
            SendRequest(
                files: [.init(sha256: sha, name: "qd.pdf")], to: [ServiceFixture.naSon], type: "QĐ",
                subject: "Quyết định", approval: approval)
        }
        await expectRefusal("approvalRequired", "a signer's key signed what the signer did not approve") {
            try await fixture.services.documents.send(request(nil), by: clerk)
        }
        await expectRefusal("forbidden", "a clerk approved in the signer's name") {
            try await approvals.grant(ApprovalRequest(sha256: sha), caller: clerk)
        }
        let approval = try await approvals.grant(ApprovalRequest(sha256: sha, note: "Đồng ý"), caller: signer)
        #expect(try approvals.open(caller: clerk).map(\.id) == [approval.id])
        let sent = try await fixture.services.documents.send(request(approval.id), by: clerk)
        #expect(sent.signerName == signer.fullName)
        await expectRefusal("approvalUnusable", "an approval was used twice") {
            try await fixture.services.documents.send(request(approval.id), by: clerk)
        }
        let other = try await approvals.grant(
            ApprovalRequest(sha256: String(repeating: "0", count: 64)), caller: signer)
        await expectRefusal("approvalMismatch", "an approval of other bytes signed this file") {
            try await fixture.services.documents.send(request(other.id), by: clerk)
        }
        #expect(try await approvals.withdraw(other.id, caller: signer).status == "withdrawn")
        await expectRefusal("approvalNotWithdrawable", "an approval was withdrawn twice") {
            try await approvals.withdraw(other.id, caller: signer)
        }
    }

    @Test func anyoneVerifiesAFileAndItsSignatureAndBadInputIsNamed() async throws {
        let fixture = try await ServiceFixture()
        let sent = try await fixture.send()
        let (file, content, signature) = try fixture.services.documents.file(
            sent.id, position: 0, caller: fixture.user("clerk.xa-na-son"))
        let verification = fixture.services.verification
        let report = try await verification.verify(
            VerifyRequest(
                content: try Data(contentsOf: content).base64EncodedString(),
                signature: signature.base64EncodedString(), name: file.name),
            from: "10.0.0.1")
        #expect(report.verdict.indication == .totalPassed, "\(report.checks)")
        #expect(
            await refusal {
                try await verification.verify(VerifyRequest(content: "%%%", signature: ""), from: "10.0.0.1")
            } == .invalidRequest("content is not base64: send the file's bytes base64-encoded"))
        let tampered = try await verification.verify(
            VerifyRequest(
                content: Data("khác".utf8).base64EncodedString(), signature: signature.base64EncodedString(),
                name: file.name),
            from: "10.0.0.1")
        #expect(tampered.verdict.indication == .totalFailed)
    }
}
