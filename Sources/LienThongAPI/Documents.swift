import Foundation
import LienThongCrypto

/// `POST /v1/files` answers with the stored file's address.
public struct UploadedFile: Codable, Sendable {
    public var sha256: String
    public var size: Int64

    public init(sha256: String, size: Int64) {
        self.sha256 = sha256
        self.size = size
    }
}

/// `POST /v1/documents`: send a document whose files were uploaded first.
public struct SendRequest: Codable, Sendable {
    public struct File: Codable, Sendable {
        public var sha256: String
        /// The file name the recipients will see; no paths.
        public var name: String

        public init(sha256: String, name: String) {
            self.sha256 = sha256
            self.name = name
        }
    }

    /// The main document first; the rest are attachments, sealed by the agency alone.
    public var files: [File]
    /// Recipient agency codes.
    public var to: [String]
    /// Type abbreviation (QĐ, CT, BC …) or CV for a Công văn.
    public var type: String
    /// Trích yếu.
    public var subject: String
    /// The username of the person who signs; the approval's signer, or the agency's only signer, when absent.
    public var signer: String?
    /// The id of the signer's approval of the main document (`lienthong approve`); required unless
    /// the daemon runs with `signerApproval: optional`.
    public var approval: String?
    public var urgency: String?
    /// Refused unless absent or "none": secret documents do not travel here.
    public var secrecy: String?
    /// A date (2026-12-15) or a number of working days (10wd).
    public var deadline: String?
    /// For a Công văn, the drafting unit in the symbol (`47/UBND-TTr`).
    public var draftingUnit: String?
    /// TM., KT., TL., TUQ. or Q.
    public var authority: String?
    public var pageCount: Int?
    public var notes: String?
    public var language: String?
    /// The number series: main (default), copy[:SY|SL|TS], or advisory:ABBREVIATION.
    public var series: String?
    /// The id of a document of the same agency that this one replaces.
    public var replaces: String?
    /// The id of a document the agency received and this one answers.
    public var inReplyTo: String?

    public init(
        files: [File], to: [String], type: String, subject: String, signer: String? = nil,
        urgency: String? = nil, secrecy: String? = nil, deadline: String? = nil, draftingUnit: String? = nil,
        authority: String? = nil, pageCount: Int? = nil, notes: String? = nil, language: String? = nil,
        series: String? = nil, replaces: String? = nil, inReplyTo: String? = nil, approval: String? = nil
    ) {
        self.files = files
        self.approval = approval
        self.to = to
        self.type = type
        self.subject = subject
        self.signer = signer
        self.urgency = urgency
        self.secrecy = secrecy
        self.deadline = deadline
        self.draftingUnit = draftingUnit
        self.authority = authority
        self.pageCount = pageCount
        self.notes = notes
        self.language = language
        self.series = series
        self.replaces = replaces
        self.inReplyTo = inReplyTo
    }
}

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

    public init(
        position: Int, name: String, sha256: String, size: Int64, kind: String, signatureSHA256: String,
        timeStampPending: Bool
    ) {
        self.position = position
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.kind = kind
        self.signatureSHA256 = signatureSHA256
        self.timeStampPending = timeStampPending
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

/// `GET /v1/inbox`: the documents addressed to the caller's agency, newest first.
public struct InboxEntry: Codable, Sendable {
    public var id: String
    public var numberAndSymbol: String
    public var issuer: AgencyRef
    public var typeName: String
    public var subject: String
    public var urgency: String
    public var issuedAt: Date
    public var deadline: String?
    public var status: String
    public var statusName: String
    public var arrivalNumber: Int?

    public init(
        id: String, numberAndSymbol: String, issuer: AgencyRef, typeName: String, subject: String, urgency: String,
        issuedAt: Date, deadline: String?, status: String, statusName: String, arrivalNumber: Int?
    ) {
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.issuer = issuer
        self.typeName = typeName
        self.subject = subject
        self.urgency = urgency
        self.issuedAt = issuedAt
        self.deadline = deadline
        self.status = status
        self.statusName = statusName
        self.arrivalNumber = arrivalNumber
    }
}

/// `GET /v1/registers/out|in`: a register of Decree 30/2020/NĐ-CP (Appendix IV) as rows whose
/// keys are its column headings, in order.
public struct Register: Codable, Sendable {
    public var kind: String
    public var agency: AgencyRef
    public var year: Int
    public var columns: [String]
    public var rows: [[String]]

    public init(kind: String, agency: AgencyRef, year: Int, columns: [String], rows: [[String]]) {
        self.kind = kind
        self.agency = agency
        self.year = year
        self.columns = columns
        self.rows = rows
    }
}

/// An agency as the directory lists it.
public struct AgencyView: Codable, Sendable {
    public var code: String
    public var name: String
    public var abbreviation: String
    public var parent: String?
    /// "active" or "retired".
    public var status: String
    public var successor: String?

    public init(code: String, name: String, abbreviation: String, parent: String?, status: String, successor: String?) {
        self.code = code
        self.name = name
        self.abbreviation = abbreviation
        self.parent = parent
        self.status = status
        self.successor = successor
    }
}

/// `POST /v1/agencies/import`: what each line of the CSV did.
public struct ImportLine: Codable, Sendable {
    public var line: Int
    /// added, updated, unchanged or rejected.
    public var outcome: String
    public var code: String?
    public var detail: String

    public init(line: Int, outcome: String, code: String?, detail: String) {
        self.line = line
        self.outcome = outcome
        self.code = code
        self.detail = detail
    }
}

/// `POST /v1/agencies/{code}/retire`.
public struct RetireRequest: Codable, Sendable {
    public var successor: String?

    public init(successor: String?) { self.successor = successor }
}

/// `GET /v1/overdue`: a delivery past its reply deadline, or due soon.
public struct OverdueEntry: Codable, Sendable {
    public var id: String
    public var numberAndSymbol: String
    public var subject: String
    /// The sender (incoming) or the recipient (outgoing).
    public var counterpart: AgencyRef
    public var status: String
    public var statusName: String
    public var deadline: String
    /// Working days past the deadline; 0 on the day, negative while still to come.
    public var workingDaysLate: Int

    public init(
        id: String, numberAndSymbol: String, subject: String, counterpart: AgencyRef, status: String,
        statusName: String,
        deadline: String, workingDaysLate: Int
    ) {
        self.id = id
        self.numberAndSymbol = numberAndSymbol
        self.subject = subject
        self.counterpart = counterpart
        self.status = status
        self.statusName = statusName
        self.deadline = deadline
        self.workingDaysLate = workingDaysLate
    }
}

/// `POST /v1/documents/{id}/status`: what a recipient reports after registering.
public struct StatusRequest: Codable, Sendable {
    /// assigned (04), in-progress (05), completed (06), recall-accepted (15), recall-refused (16), or the code.
    public var status: String
    /// For assigned: the unit or person (at most 1000 characters).
    public var to: String?
    public var note: String?

    public init(status: String, to: String?, note: String?) {
        self.status = status
        self.to = to
        self.note = note
    }
}

/// `POST /v1/documents/{id}/recall`: the sender asks every recipient to accept a recall (13).
public struct RecallRequest: Codable, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// `POST /v1/documents/{id}/reject`.
public struct RejectRequest: Codable, Sendable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// `GET /v1/me`.
public struct Caller: Codable, Sendable {
    public var username: String
    public var fullName: String
    public var role: String
    public var agency: AgencyRef

    public init(username: String, fullName: String, role: String, agency: AgencyRef) {
        self.username = username
        self.fullName = fullName
        self.role = role
        self.agency = agency
    }
}

/// `POST /v1/verify`: a file and its detached signature, from anyone.
public struct VerifyRequest: Codable, Sendable {
    /// The file's bytes, base64.
    public var content: String
    /// The detached CMS signature: base64 DER, or PEM text.
    public var signature: String
    public var name: String?
    /// "document" (signer and seal, the default), "attachment" (seal) or "any".
    public var expect: SignatureExpectation?

    public init(content: String, signature: String, name: String? = nil, expect: SignatureExpectation? = nil) {
        self.content = content
        self.signature = signature
        self.name = name
        self.expect = expect
    }
}

/// `manifest.json` of an exported document: enough to verify it offline.
public struct ExportManifest: Codable, Sendable {
    public static let currentFormat = "lienthong-export/1"

    public struct File: Codable, Sendable {
        public var name: String
        public var sha256: String
        public var size: Int64
        public var kind: String
        /// The detached CMS signature beside it: `NAME.p7s`.
        public var signature: String

        public init(name: String, sha256: String, size: Int64, kind: String, signature: String) {
            self.name = name
            self.sha256 = sha256
            self.size = size
            self.kind = kind
            self.signature = signature
        }
    }

    public var format: String
    public var document: DocumentView
    public var files: [File]

    public init(document: DocumentView, files: [File]) {
        format = Self.currentFormat
        self.document = document
        self.files = files
    }
}
