/// A request refused by a rule of the service. Each case names the rule that refused; its description says what
/// was wrong and how to fix it, for a clerk. The services know nothing of HTTP: the HTTP layer maps each case to
/// one problem type and status, in one place (`Problem(_:)` in LienThongHTTP).
///
/// A rule of the domain itself (a field too long, a status change not allowed) is a `DomainError`, thrown as it is.
public enum Refusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// The request is not shaped as the API expects: a query parameter, header or body.
    case invalidRequest(String)
    /// No valid token, and no client certificate that names a user.
    case unauthenticated
    /// The client certificate was revoked by its CA.
    case clientCertificateRevoked(String)
    /// A deadline that is neither a date nor a number of working days.
    case invalidDeadline(String)
    /// The caller's role does not allow the action (``Permissions``).
    case forbidden(String)
    /// No such document, or one the caller may not see: the two are answered alike, so nothing leaks.
    case documentNotFound
    /// Something else the caller named does not exist.
    case notFound(String)
    /// A file over the server's `maxUploadBytes`.
    case fileTooLarge(limit: Int64)
    /// A send names a file the caller's agency did not upload.
    case fileNotUploaded(sha256: String)
    /// No agency in the directory has this code.
    case unknownAgency(code: String)
    /// A recipient was retired and the directory names no successor to deliver to.
    case retiredRecipient(code: String, name: String)
    /// The caller's own agency was retired: it sends nothing.
    case senderRetired(String)
    /// An administrator would retire their own agency, and with it their access.
    case ownAgencyRetirement(String)
    /// An administrator would revoke their own access.
    case ownAccessRevocation(String)
    case userExists(String)
    /// A signer without a certificate and key cannot approve what their key would sign.
    case noSigningKey(String)
    /// `signerApproval: required` and the send names no approval.
    case approvalRequired(String)
    /// The approval was used, withdrawn or expired, or its signer no longer signs for the agency.
    case approvalUnusable(String)
    /// Only an open approval can be withdrawn.
    case approvalNotWithdrawable(String)
    /// The signer approved other bytes than the main document sent.
    case approvalMismatch(String)
    /// The signing certificate was revoked: nothing is signed with it.
    case certificateRevoked(String)
    /// The signing certificate is on hold (tạm dừng) at its CA.
    case certificateSuspended(String)
    /// `timeStampFallback: fail` and the TSA did not answer: nothing was sent.
    case timeStampUnavailable(String)
    case signingFailed(String)
    /// A PDF that cannot be signed inside as it is: damaged, encrypted, or a template LienThong does not fill.
    case pdfRefused(String)
    /// A recalled document whose recall every recipient accepted cannot change.
    case documentFrozen(String)
    case recallPending(String)
    case nothingToRecall(String)
    /// A request with the same Idempotency-Key is being handled.
    case idempotencyKeyInFlight(key: String)
    /// The Idempotency-Key was already used for another request.
    case idempotencyKeyReused
    case backupDirectoryNotEmpty(String)
    case backupFailed(String)
    /// A signature over the verifier's limits, refused before any work on it.
    case signatureRefused(String)
    /// The server is verifying all it allows at once, or this address already is.
    case verificationBusy(String)
    /// The registry or the file store does not answer.
    case notReady(String)
    /// A failure of the server, not of the request; the log has the cause.
    case internalError

    public var description: String {
        switch self {
        case .invalidRequest(let detail), .invalidDeadline(let detail), .clientCertificateRevoked(let detail),
            .forbidden(let detail),
            .notFound(let detail), .senderRetired(let detail), .ownAgencyRetirement(let detail),
            .ownAccessRevocation(let detail), .userExists(let detail), .noSigningKey(let detail),
            .approvalRequired(let detail), .approvalUnusable(let detail), .approvalNotWithdrawable(let detail),
            .approvalMismatch(let detail), .certificateRevoked(let detail), .certificateSuspended(let detail),
            .timeStampUnavailable(let detail), .signingFailed(let detail), .pdfRefused(let detail),
            .documentFrozen(let detail),
            .recallPending(let detail), .nothingToRecall(let detail), .backupDirectoryNotEmpty(let detail),
            .backupFailed(let detail), .signatureRefused(let detail), .verificationBusy(let detail),
            .notReady(let detail):
            detail
        case .unauthenticated:
            "send a valid token as `Authorization: Bearer …` (the demo tokens are in data/tokens/)"
        case .documentNotFound:
            "no document with this id is addressed to or sent by your agency"
        case .fileTooLarge(let limit):
            "files are limited to \(limit) bytes on this server (setting maxUploadBytes)"
        case .fileNotUploaded(let sha256):
            "no file with SHA-256 \(sha256) was uploaded by your agency; upload it with POST /v1/files first"
        case .unknownAgency(let code):
            "no agency has the code \(code); `lienthong agencies` lists the directory"
        case .retiredRecipient(let code, let name):
            "\(name) (\(code)) no longer exists and the directory names no successor; address the document to the "
                + "agency that took over its duties, or have an administrator record it with "
                + "`lienthong agencies retire \(code) --successor CODE`"
        case .idempotencyKeyInFlight(let key):
            "a request with Idempotency-Key \(key) is in progress; wait for its answer, or retry in a moment"
        case .idempotencyKeyReused:
            "this Idempotency-Key was already used for a different request; send a new key with a new request"
        case .internalError:
            "the server failed while handling this request; nothing was changed. Its log has the details"
        }
    }
}
