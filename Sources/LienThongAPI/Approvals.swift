import Foundation

/// `POST /v1/approvals`, by a signer: their key may sign the file with this SHA-256, once.
public struct ApprovalRequest: Codable, Sendable {
    /// The SHA-256 of the main document's bytes, as the signer read them.
    public var sha256: String
    /// A word for the clerk, e.g. the subject; at most 500 characters.
    public var note: String?
    /// How long the clerk has to send it, in hours (1–720, default 24).
    public var validForHours: Int?

    public init(sha256: String, note: String? = nil, validForHours: Int? = nil) {
        self.sha256 = sha256
        self.note = note
        self.validForHours = validForHours
    }
}

/// A signer's approval, as the agency's clerks and signers see it.
public struct ApprovalView: Codable, Sendable {
    public var id: String
    public var sha256: String
    public var signer: String
    public var signerName: String
    public var note: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// open, used, withdrawn or expired.
    public var status: String
    /// The document it signed, once used.
    public var documentID: String?

    public init(
        id: String, sha256: String, signer: String, signerName: String, note: String?, createdAt: Date, expiresAt: Date,
        status: String, documentID: String?
    ) {
        self.id = id
        self.sha256 = sha256
        self.signer = signer
        self.signerName = signerName
        self.note = note
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.status = status
        self.documentID = documentID
    }
}
