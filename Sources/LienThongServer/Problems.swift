import LienThongAPI
import LienThongDomain

/// The problems the API answers with; one constructor per kind so that types stay stable.
extension Problem {
    static func invalid(_ detail: String) -> Problem {
        Problem("invalid-request", status: 400, title: "The request is not valid", detail: detail)
    }

    static func domain(_ error: DomainError) -> Problem {
        switch error {
        case .secretDocument:
            Problem("secret-document", status: 422, title: "Secret documents are refused", detail: error.description)
        case .transitionNotAllowed:
            Problem(
                "status-transition-not-allowed", status: 409, title: "This status change is not allowed",
                detail: error.description)
        case .tooLong:
            Problem(
                "field-too-long", status: 422, title: "A field is longer than Decree 30 allows",
                detail: error.description)
        case .invalid, .missing:
            Problem("invalid-field", status: 422, title: "A field is not valid", detail: error.description)
        }
    }

    static func unknownAgency(_ code: String) -> Problem {
        Problem(
            "unknown-agency", status: 422, title: "Unknown agency",
            detail: "no agency has the code \(code); `lienthong agencies` lists the directory")
    }

    static func retiredAgency(_ code: String, name: String) -> Problem {
        Problem(
            "retired-agency", status: 422, title: "Retired agency",
            detail:
                "\(name) (\(code)) no longer exists and the directory names no successor; address the document to the agency that took over its duties, or have an administrator record it with `lienthong agencies retire \(code) --successor CODE`"
        )
    }

    static let unauthenticated = Problem(
        "unauthenticated", status: 401, title: "Not signed in",
        detail: "send a valid token as `Authorization: Bearer …` (the demo tokens are in data/tokens/)")

    static func forbidden(_ detail: String) -> Problem {
        Problem("forbidden", status: 403, title: "Not allowed for your role", detail: detail)
    }

    /// Also what a caller sees for a document that exists but is not theirs: nothing leaks.
    static let documentNotFound = Problem(
        "document-not-found", status: 404, title: "No such document",
        detail: "no document with this id is addressed to or sent by your agency")

    static func notFound(_ detail: String) -> Problem {
        Problem("not-found", status: 404, title: "Not found", detail: detail)
    }

    static func tooLarge(limit: Int64) -> Problem {
        Problem(
            "file-too-large", status: 413, title: "File too large",
            detail: "files are limited to \(limit) bytes on this server (setting maxUploadBytes)")
    }

    static func fileNotUploaded(_ sha256: String) -> Problem {
        Problem(
            "file-not-uploaded", status: 422, title: "File not uploaded",
            detail: "no file with SHA-256 \(sha256) was uploaded by your agency; upload it with POST /v1/files first")
    }

    static func signing(_ detail: String) -> Problem {
        Problem("signing-failed", status: 500, title: "Signing failed", detail: detail)
    }

    static let internalError = Problem(
        "internal", status: 500, title: "Internal error",
        detail: "the server failed while handling this request; nothing was changed. Its log has the details")
}
