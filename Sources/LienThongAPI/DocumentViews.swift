import Foundation
import LienThongCrypto

public struct AgencyRef: Codable, Sendable, Equatable {
    public var code: String
    public var name: String

    public init(code: String, name: String) {
        self.code = code
        self.name = name
    }
}

public struct FileInfo: Codable, Sendable {
    public var position: Int
    public var name: String
    public var sha256: String
    public var size: Int64
    /// "document" (signer and seal) or "attachment" (seal).
    public var kind: String
    public var signatureSHA256: String
    /// Sent while the TSA was unreachable: the signature's time stamp will be added.
    public var timeStampPending: Bool
    /// For a PDF signed inside: each revision, from the file as uploaded to the one filed.
    public var revisions: [PDFRevision]?

    public init(
        position: Int, name: String, sha256: String, size: Int64, kind: String, signatureSHA256: String,
        timeStampPending: Bool, revisions: [PDFRevision]? = nil
    ) {
        self.position = position
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.kind = kind
        self.signatureSHA256 = signatureSHA256
        self.timeStampPending = timeStampPending
        self.revisions = revisions
    }
}

/// A state of a signed PDF: its first `length` bytes, with this SHA-256 (`head -c LENGTH file.pdf | sha256sum`).
public struct PDFRevision: Codable, Sendable, Equatable {
    public var revision: Int
    /// "draft", "number and date placeholders", "signer's signature", "number and date", "agency's seal", ….
    public var content: String
    public var length: Int64
    public var sha256: String

    public init(revision: Int, content: String, length: Int64, sha256: String) {
        self.revision = revision
        self.content = content
        self.length = length
        self.sha256 = sha256
    }
}

public struct SignatureInfo: Codable, Sendable {
    public var filePosition: Int
    /// "signer" or "seal".
    public var role: String
    public var commonName: String
    public var organization: String?
    public var serialNumber: String
    public var algorithm: String
    public var signedAt: Date

    public init(
        filePosition: Int, role: String, commonName: String, organization: String?, serialNumber: String,
        algorithm: String, signedAt: Date
    ) {
        self.filePosition = filePosition
        self.role = role
        self.commonName = commonName
        self.organization = organization
        self.serialNumber = serialNumber
        self.algorithm = algorithm
        self.signedAt = signedAt
    }
}

public struct StatusEvent: Codable, Sendable {
    public var status: String
    public var statusName: String
    public var at: Date
    public var actor: String
    public var note: String?
    /// For 04: the unit or person it was assigned to.
    public var assignee: String?

    public init(status: String, statusName: String, at: Date, actor: String, note: String?, assignee: String?) {
        self.status = status
        self.statusName = statusName
        self.at = at
        self.actor = actor
        self.note = note
        self.assignee = assignee
    }
}

/// One recipient's delivery: its status now and, when asked for, how it got there.
public struct RecipientStatus: Codable, Sendable {
    public var recipient: AgencyRef
    public var status: String
    public var statusName: String
    /// Số đến in the recipient's incoming register, once accepted.
    public var arrivalNumber: Int?
    public var updatedAt: Date
    /// The unit or person it is assigned to inside the recipient (04).
    public var assignee: String?
    /// The retired agency code the sender used, when the document went to its successor.
    public var addressedTo: String?
    public var history: [StatusEvent]?

    public init(
        recipient: AgencyRef, status: String, statusName: String, arrivalNumber: Int?, updatedAt: Date,
        assignee: String?, addressedTo: String?, history: [StatusEvent]?
    ) {
        self.recipient = recipient
        self.status = status
        self.statusName = statusName
        self.arrivalNumber = arrivalNumber
        self.updatedAt = updatedAt
        self.assignee = assignee
        self.addressedTo = addressedTo
        self.history = history
    }
}

/// A document as the API shows it. A recipient sees only its own delivery among `recipients`.
public struct DocumentView: Codable, Sendable {
    public var id: String
    public var numberAndSymbol: String
    public var number: Int
    public var symbol: String
    public var issuer: AgencyRef
    public var typeName: String
    public var typeAbbreviation: String
    public var subject: String
    public var urgency: String
    public var authority: String?
    public var signerName: String
    public var signerPosition: String
    public var issuedAt: Date
    public var deadline: String?
    public var files: [FileInfo]
    public var signatures: [SignatureInfo]
    public var recipients: [RecipientStatus]
    /// When a recipient accepted a recall: the sender's copy is frozen from then on.
    public var frozenAt: Date?
    /// main, copy or advisory:ABBREVIATION: the series the number comes from.
    public var series: String
    /// electronic, or paper for a paper document in the register.
    public var medium: String
    /// Documents this one replaces or answers, and those that replace or answer it, among the ones
    /// the caller's agency may see.
    public var links: [DocumentLink]

    public init(
        id: String, numberAndSymbol: String, number: Int, symbol: String, issuer: AgencyRef, typeName: String,
        typeAbbreviation: String, subject: String, urgency: String, authority: String?, signerName: String,
        signerPosition: String, issuedAt: Date, deadline: String?, files: [FileInfo], signatures: [SignatureInfo],
        recipients: [RecipientStatus], frozenAt: Date?, series: String = "main", medium: String = "electronic",
        links: [DocumentLink] = []
    ) {
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.number = number
        self.symbol = symbol
        self.issuer = issuer
        self.typeName = typeName
        self.typeAbbreviation = typeAbbreviation
        self.subject = subject
        self.urgency = urgency
        self.authority = authority
        self.signerName = signerName
        self.signerPosition = signerPosition
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.files = files
        self.signatures = signatures
        self.recipients = recipients
        self.frozenAt = frozenAt
        self.series = series
        self.medium = medium
        self.links = links
    }
}

/// A link between two documents.
public struct DocumentLink: Codable, Sendable, Equatable {
    /// replaces, replaced-by, in-reply-to or answered-by.
    public var relation: String
    public var id: String
    public var numberAndSymbol: String
    public var issuer: AgencyRef

    public init(relation: String, id: String, numberAndSymbol: String, issuer: AgencyRef) {
        self.relation = relation
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.issuer = issuer
    }
}
