import LienThongAPI
import LienThongApp
import LienThongDomain
import Testing

@testable import LienThongHTTP

/// The one mapping from the services' refusals to problem+json: every rule keeps its type and status, and the
/// detail is the refusal's own words.
@Suite("Refusals as problems: one type and status per rule")
struct ProblemMappingTests {
    static let table: [(Refusal, String, Int, String)] = [
        (.invalidRequest("x"), "invalid-request", 400, "The request is not valid"),
        (.invalidDeadline("x"), "invalid-field", 422, "A field is not valid"),
        (.unauthenticated, "unauthenticated", 401, "Not signed in"),
        (.clientCertificateRevoked("x"), "certificate-revoked", 401, "Client certificate revoked"),
        (.forbidden("x"), "forbidden", 403, "Not allowed for your role"),
        (.documentNotFound, "document-not-found", 404, "No such document"),
        (.notFound("x"), "not-found", 404, "Not found"),
        (.fileTooLarge(limit: 5), "file-too-large", 413, "File too large"),
        (.fileNotUploaded(sha256: "ab"), "file-not-uploaded", 422, "File not uploaded"),
        (.unknownAgency(code: "X"), "unknown-agency", 422, "Unknown agency"),
        (.retiredRecipient(code: "X", name: "Y"), "retired-agency", 422, "Retired agency"),
        (.senderRetired("x"), "agency-retired", 409, "The agency is retired"),
        (.ownAgencyRetirement("x"), "would-lock-out", 409, "An administrator does not retire their own agency"),
        (.ownAccessRevocation("x"), "would-lock-out", 409, "An administrator does not revoke their own access"),
        (.userExists("x"), "user-exists", 409, "The user exists"),
        (.noSigningKey("x"), "no-signing-key", 409, "No signing key"),
        (.approvalRequired("x"), "approval-required", 422, "The signer has not approved this document"),
        (.approvalUnusable("x"), "approval-unusable", 409, "The approval cannot be used"),
        (.approvalNotWithdrawable("x"), "approval-unusable", 409, "The approval cannot be withdrawn"),
        (.approvalMismatch("x"), "approval-mismatch", 422, "The signer approved other bytes"),
        (.certificateRevoked("x"), "certificate-revoked", 422, "Signing certificate revoked"),
        (.certificateSuspended("x"), "certificate-suspended", 422, "Signing certificate suspended"),
        (.timeStampUnavailable("x"), "time-stamp-unavailable", 503, "The time-stamping authority cannot be reached"),
        (.signingFailed("x"), "signing-failed", 500, "Signing failed"),
        (.documentFrozen("x"), "document-frozen", 409, "Document frozen"),
        (.recallPending("x"), "recall-pending", 409, "A recall is already pending"),
        (.nothingToRecall("x"), "nothing-to-recall", 409, "Nothing to recall"),
        (
            .idempotencyKeyInFlight(key: "k"), "idempotency-key-in-flight", 409,
            "The same request is still being handled"
        ),
        (.idempotencyKeyReused, "idempotency-key-reused", 422, "Idempotency-Key used for another request"),
        (.backupDirectoryNotEmpty("x"), "backup-directory-not-empty", 409, "The backup directory is not empty"),
        (.backupFailed("x"), "backup-failed", 500, "The backup could not be made"),
        (.signatureRefused("x"), "signature-refused", 422, "Signature refused before verification"),
        (.verificationBusy("x"), "verification-busy", 429, "Too many verifications at once"),
        (.notReady("x"), "not-ready", 503, "Not ready"), (.internalError, "internal", 500, "Internal error"),
    ]

    @Test func eachRefusalKeepsItsTypeStatusAndWords() {
        for (refusal, slug, status, title) in Self.table {
            let problem = Problem(refusal)
            #expect(problem.slug == slug, "\(refusal)")
            #expect(problem.status == status, "\(refusal)")
            #expect(problem.title == title, "\(refusal)")
            #expect(problem.detail == refusal.description && !problem.detail.isEmpty)
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
