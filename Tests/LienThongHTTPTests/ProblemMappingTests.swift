import LienThongAPI
import LienThongApp
import LienThongDomain
import Testing

@testable import LienThongHTTP

/// The one mapping from the services' refusals to problem+json: every rule keeps its type and status, and the
/// detail is the refusal's own words.
@Suite("Refusals as problems: one type and status per rule")
struct ProblemMappingTests {
    static let table: [(Refusal, String, Int)] = [
        (.invalidRequest("x"), "invalid-request", 400), (.invalidDeadline("x"), "invalid-field", 422),
        (.unauthenticated, "unauthenticated", 401), (.clientCertificateRevoked("x"), "certificate-revoked", 401),
        (.forbidden("x"), "forbidden", 403), (.documentNotFound, "document-not-found", 404),
        (.notFound("x"), "not-found", 404), (.fileTooLarge(limit: 5), "file-too-large", 413),
        (.fileNotUploaded(sha256: "ab"), "file-not-uploaded", 422), (.unknownAgency(code: "X"), "unknown-agency", 422),
        (.retiredRecipient(code: "X", name: "Y"), "retired-agency", 422), (.senderRetired("x"), "agency-retired", 409),
        (.ownAgencyRetirement("x"), "would-lock-out", 409), (.ownAccessRevocation("x"), "would-lock-out", 409),
        (.userExists("x"), "user-exists", 409), (.noSigningKey("x"), "no-signing-key", 409),
        (.approvalRequired("x"), "approval-required", 422), (.approvalUnusable("x"), "approval-unusable", 409),
        (.approvalNotWithdrawable("x"), "approval-unusable", 409), (.approvalMismatch("x"), "approval-mismatch", 422),
        (.certificateRevoked("x"), "certificate-revoked", 422),
        (.certificateSuspended("x"), "certificate-suspended", 422),
        (.timeStampUnavailable("x"), "time-stamp-unavailable", 503), (.signingFailed("x"), "signing-failed", 500),
        (.documentFrozen("x"), "document-frozen", 409), (.recallPending("x"), "recall-pending", 409),
        (.nothingToRecall("x"), "nothing-to-recall", 409),
        (.idempotencyKeyInFlight(key: "k"), "idempotency-key-in-flight", 409),
        (.idempotencyKeyReused, "idempotency-key-reused", 422),
        (.backupDirectoryNotEmpty("x"), "backup-directory-not-empty", 409), (.backupFailed("x"), "backup-failed", 500),
        (.signatureRefused("x"), "signature-refused", 422), (.verificationBusy("x"), "verification-busy", 429),
        (.notReady("x"), "not-ready", 503), (.internalError, "internal", 500),
    ]

    @Test func eachRefusalKeepsItsTypeStatusAndWords() {
        for (refusal, slug, status) in Self.table {
            let problem = Problem(refusal)
            #expect(problem.slug == slug, "\(refusal)")
            #expect(problem.status == status, "\(refusal)")
            #expect(problem.detail == refusal.description)
            #expect(!problem.title.isEmpty && !problem.detail.isEmpty)
        }
    }

    @Test func fixedDetailsSayHowToFixIt() {
        #expect(Refusal.unauthenticated.description.contains("Authorization: Bearer"))
        #expect(Refusal.fileNotUploaded(sha256: "ab").description.contains("POST /v1/files"))
        #expect(Refusal.unknownAgency(code: "000.00.99.H99").description.contains("`lienthong agencies`"))
        #expect(
            Refusal.retiredRecipient(code: "X", name: "Xã Cũ").description.contains(
                "lienthong agencies retire X --successor CODE"))
    }

    @Test func domainErrorsMapByKind() {
        #expect(Problem(DomainError.secretDocument("Mật")).slug == "secret-document")
        #expect(Problem(DomainError.tooLong(field: "subject", limit: 500, actual: 501)).status == 422)
        #expect(Problem(DomainError.missing(field: "subject")).slug == "invalid-field")
        let transition = Problem(DomainError.transitionNotAllowed(from: .completed, to: .accepted, allowed: []))
        #expect(transition.status == 409 && transition.slug == "status-transition-not-allowed")
    }
}
