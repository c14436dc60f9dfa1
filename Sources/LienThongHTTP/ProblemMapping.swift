import Foundation
import Hummingbird
import LienThongAPI
import LienThongApp
import LienThongDomain
import NIOHTTP1

/// The one place where an error becomes an HTTP answer: each refusal's problem type, status and title, and the
/// problems of HTTP itself. The detail is the refusal's own words.
extension Problem {
    init(_ refusal: Refusal) {
        let (slug, status, title): (String, Int, String) =
            switch refusal {
            case .invalidRequest: ("invalid-request", 400, "The request is not valid")
            case .invalidDeadline: ("invalid-field", 422, "A field is not valid")
            case .unauthenticated: ("unauthenticated", 401, "Not signed in")
            case .clientCertificateRevoked: ("certificate-revoked", 401, "Client certificate revoked")
            case .forbidden: ("forbidden", 403, "Not allowed for your role")
            case .documentNotFound: ("document-not-found", 404, "No such document")
            case .notFound: ("not-found", 404, "Not found")
            case .fileTooLarge: ("file-too-large", 413, "File too large")
            case .fileNotUploaded: ("file-not-uploaded", 422, "File not uploaded")
            case .unknownAgency: ("unknown-agency", 422, "Unknown agency")
            case .retiredRecipient: ("retired-agency", 422, "Retired agency")
            case .senderRetired: ("agency-retired", 409, "The agency is retired")
            case .ownAgencyRetirement: ("would-lock-out", 409, "An administrator does not retire their own agency")
            case .ownAccessRevocation: ("would-lock-out", 409, "An administrator does not revoke their own access")
            case .userExists: ("user-exists", 409, "The user exists")
            case .noSigningKey: ("no-signing-key", 409, "No signing key")
            case .approvalRequired: ("approval-required", 422, "The signer has not approved this document")
            case .approvalUnusable: ("approval-unusable", 409, "The approval cannot be used")
            case .approvalNotWithdrawable: ("approval-unusable", 409, "The approval cannot be withdrawn")
            case .approvalMismatch: ("approval-mismatch", 422, "The signer approved other bytes")
            case .certificateRevoked: ("certificate-revoked", 422, "Signing certificate revoked")
            case .certificateSuspended: ("certificate-suspended", 422, "Signing certificate suspended")
            case .timeStampUnavailable:
                ("time-stamp-unavailable", 503, "The time-stamping authority cannot be reached")
            case .signingFailed: ("signing-failed", 500, "Signing failed")
            case .pdfRefused: ("pdf-refused", 422, "The PDF cannot be signed as it is")
            case .documentFrozen: ("document-frozen", 409, "Document frozen")
            case .recallPending: ("recall-pending", 409, "A recall is already pending")
            case .nothingToRecall: ("nothing-to-recall", 409, "Nothing to recall")
            case .idempotencyKeyInFlight:
                ("idempotency-key-in-flight", 409, "The same request is still being handled")
            case .idempotencyKeyReused: ("idempotency-key-reused", 422, "Idempotency-Key used for another request")
            case .backupDirectoryNotEmpty:
                ("backup-directory-not-empty", 409, "The backup directory is not empty")
            case .backupFailed: ("backup-failed", 500, "The backup could not be made")
            case .signatureRefused: ("signature-refused", 422, "Signature refused before verification")
            case .verificationBusy: ("verification-busy", 429, "Too many verifications at once")
            case .notReady: ("not-ready", 503, "Not ready")
            case .internalError: ("internal", 500, "Internal error")
            }
        self.init(slug, status: status, title: title, detail: refusal.description)
    }

    init(_ error: DomainError) {
        let (slug, status, title): (String, Int, String) =
            switch error {
            case .secretDocument: ("secret-document", 422, "Secret documents are refused")
            case .transitionNotAllowed: ("status-transition-not-allowed", 409, "This status change is not allowed")
            case .tooLong: ("field-too-long", 422, "A field is longer than Decree 30 allows")
            case .invalid, .missing: ("invalid-field", 422, "A field is not valid")
            }
        self.init(slug, status: status, title: title, detail: error.description)
    }

    /// The problem an error thrown while handling `request` answers with; nil for a failure of the server.
    init?(_ error: any Error, request: Request, context: LienThongContext) {
        switch error {
        case let problem as Problem: self = problem
        case let refusal as Refusal: self.init(refusal)
        case let error as DomainError: self.init(error)
        case let error as HTTPError:
            switch error.status {
            case .notFound:
                self.init(
                    "not-found", status: 404, title: "Not found",
                    detail: "no such route: \(request.method) \(request.uri.path); see README.md for the API")
            case .methodNotAllowed:
                self.init(
                    "method-not-allowed", status: 405, title: "Method not allowed",
                    detail: "\(request.method) is not allowed on \(request.uri.path)")
            case .contentTooLarge:
                self.init(
                    "body-too-large", status: 413, title: "Body too large",
                    detail:
                        "JSON bodies are limited to \(context.maxUploadSize) bytes; upload files with POST /v1/files")
            default:
                self.init(
                    "http-\(error.status.code)", status: error.status.code, title: error.status.reasonPhrase,
                    detail: error.body ?? error.status.reasonPhrase)
            }
        default: return nil
        }
    }

    /// A body that did not arrive by the request's deadline (``DeadlineMiddleware``).
    static let requestTimeout = Problem(
        "request-timeout", status: 408, title: "Request took too long",
        detail: "the body did not arrive in time; send it again on a faster connection, or in smaller parts")

    /// A caller over its ``RateLimiter``, told how long to wait.
    static func tooManyRequests(rate: Double, burst: Double, waitSeconds: Int) -> Problem {
        Problem(
            "too-many-requests", status: 429, title: "Too many requests",
            detail: "more than \(Int(rate)) requests a second (bursts of \(Int(burst))); "
                + "wait \(waitSeconds) s and try again")
    }

    /// A request the HTTP parser refused, before any route saw it.
    init(_ error: HTTPParserError, headerLimit: Int) {
        switch error {
        case .headerOverflow:
            self.init(
                "headers-too-large", status: 431, title: "Request headers too large",
                detail: "the request's headers take more than the \(headerLimit) bytes this server reads; "
                    + "send the token alone in Authorization and the data in the body")
        default:
            self.init(
                "malformed-http", status: 400, title: "Malformed HTTP request",
                detail: "the request is not well-formed HTTP/1.1 (\(error)); send it with an HTTP client")
        }
    }

    var response: Response {
        let body = (try? APIJSON.encoder.encode(self)) ?? Data()
        return Response(
            status: .init(code: status),
            headers: [.contentType: Problem.mediaType],
            body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
