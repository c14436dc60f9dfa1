import Foundation
import GRDB
import LienThongCrypto
import LienThongDomain

/// An agency in the directory, with where its seal's certificate and key are kept.
public struct AgencyRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "agency"
    public var code: String
    public var name: String
    public var abbreviation: String
    public var parentCode: String?
    public var isActive: Bool
    /// PEM chain of the agency's seal certificate (leaf first), if it can seal.
    public var sealCertificatePath: String?
    public var sealKeyPath: String?
    /// For a retired agency (after a merger): the one that took over its duties.
    public var successorCode: String?
    public var retiredAt: Date?

    public init(
        code: String, name: String, abbreviation: String, parentCode: String?, isActive: Bool,
        sealCertificatePath: String?, sealKeyPath: String?, successorCode: String? = nil, retiredAt: Date? = nil
    ) {
        self.code = code
        self.name = name
        self.abbreviation = abbreviation
        self.parentCode = parentCode
        self.isActive = isActive
        self.sealCertificatePath = sealCertificatePath
        self.sealKeyPath = sealKeyPath
        self.successorCode = successorCode
        self.retiredAt = retiredAt
    }
}

/// What a user may do. Each user belongs to one agency.
public enum UserRole: String, Codable, Sendable, CaseIterable, DatabaseValueConvertible {
    /// Văn thư: sends, receives, registers.
    case clerk
    /// A leader whose key signs documents; reads the agency's documents.
    case signer
    /// Reads the agency's documents and registers, changes nothing.
    case viewer
    /// The figures of the agency and the agencies under it, never a document's contents.
    case statistician
    /// Keeps the directory, users and keys; reads the audit log.
    case admin

}

public struct UserRecord: Codable, Sendable, Hashable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "user"
    public var username: String
    public var fullName: String
    /// Chức vụ, printed under the signature: "Chủ tịch".
    public var position: String
    public var agencyCode: String
    public var role: UserRole
    public var certificatePath: String?
    public var keyPath: String?
    /// Set by `lienthong admin user revoke`: no client certificate gets in, and a signer's key signs
    /// nothing, until an administrator issues the user a new token.
    public var accessRevokedAt: Date?

    public init(
        username: String, fullName: String, position: String, agencyCode: String, role: UserRole,
        certificatePath: String?, keyPath: String?, accessRevokedAt: Date? = nil
    ) {
        self.username = username
        self.fullName = fullName
        self.position = position
        self.agencyCode = agencyCode
        self.role = role
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.accessRevokedAt = accessRevokedAt
    }
}

/// A bearer token of a user: only its SHA-256 is kept. It expires, and can be revoked.
public struct TokenRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "token"
    public var sha256: String
    public var username: String
    public var createdAt: Date
    public var expiresAt: Date
    public var revokedAt: Date?

    public init(sha256: String, username: String, createdAt: Date, expiresAt: Date, revokedAt: Date? = nil) {
        self.sha256 = sha256
        self.username = username
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
    }

    public func isValid(at date: Date) -> Bool { revokedAt == nil && expiresAt > date }
}

/// A stored file, named by the SHA-256 of its bytes.
public struct BlobRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "blob"
    public var sha256: String
    public var size: Int64
    public var createdAt: Date
    /// The bytes themselves when the registry holds them (a signature, made durable by the
    /// filing's commit); nil for a file under `blobs/`.
    public var bytes: Data?

    public init(sha256: String, size: Int64, createdAt: Date, bytes: Data? = nil) {
        self.sha256 = sha256
        self.size = size
        self.createdAt = createdAt
        self.bytes = bytes
    }
}

/// That an agency uploaded a blob: an agency may send only what it uploaded itself, so that a
/// known hash cannot be used to send, or probe for, another agency's file.
public struct UploadRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "upload"
    public var sha256: String
    public var agencyCode: String
    public var uploadedAt: Date

    public init(sha256: String, agencyCode: String, uploadedAt: Date) {
        self.sha256 = sha256
        self.agencyCode = agencyCode
        self.uploadedAt = uploadedAt
    }
}

/// An outgoing document with its Decree 30 metadata.
public struct DocumentRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "document"
    public var id: String
    public var issuerCode: String
    public var issuerName: String
    /// The register the number comes from ("main"; copies and advisory bodies have their own).
    public var register: String
    /// Year of the number, in Vietnam time.
    public var year: Int
    public var number: Int
    public var symbol: String
    public var typeName: String
    public var typeAbbreviation: String
    public var subject: String
    public var language: String
    public var pageCount: Int?
    public var notes: String?
    public var urgency: Int
    public var authorityPrefix: String?
    public var signerUsername: String
    public var signerName: String
    public var signerPosition: String
    /// Hạn trả lời, a date in Vietnam (YYYY-MM-DD).
    public var deadline: String?
    public var issuedAt: Date
    public var createdBy: String
    /// Set when a recipient first accepts a recall: the sender's copy is frozen, its record kept.
    public var frozenAt: Date?
    /// ``Medium/electronic``, or ``Medium/paper`` for a paper document registered for the record.
    public var medium: Medium
    /// Nơi nhận of a paper document, as written on it.
    public var paperRecipients: String?
    /// The document this one replaces (văn bản thay thế).
    public var replacesID: String?
    /// The document this one answers.
    public var repliesToID: String?
    /// The sender's Idempotency-Key (hashed with the user) and the SHA-256 of its request.
    public var requestKey: String?
    public var requestSHA256: String?

    /// How a document travelled.
    public enum Medium: String, Codable, Sendable, DatabaseValueConvertible {
        case electronic, paper
    }

    public init(
        id: String, issuerCode: String, issuerName: String, register: String, year: Int, number: Int, symbol: String,
        typeName: String, typeAbbreviation: String, subject: String, language: String, pageCount: Int?, notes: String?,
        urgency: Int, authorityPrefix: String?, signerUsername: String, signerName: String, signerPosition: String,
        deadline: String?, issuedAt: Date, createdBy: String, frozenAt: Date? = nil,
        medium: Medium = .electronic, paperRecipients: String? = nil, replacesID: String? = nil,
        repliesToID: String? = nil,
        requestKey: String? = nil, requestSHA256: String? = nil
    ) {
        self.id = id
        self.issuerCode = issuerCode
        self.issuerName = issuerName
        self.register = register
        self.year = year
        self.number = number
        self.symbol = symbol
        self.typeName = typeName
        self.typeAbbreviation = typeAbbreviation
        self.subject = subject
        self.language = language
        self.pageCount = pageCount
        self.notes = notes
        self.urgency = urgency
        self.authorityPrefix = authorityPrefix
        self.signerUsername = signerUsername
        self.signerName = signerName
        self.signerPosition = signerPosition
        self.deadline = deadline
        self.issuedAt = issuedAt
        self.createdBy = createdBy
        self.frozenAt = frozenAt
        self.medium = medium
        self.paperRecipients = paperRecipients
        self.replacesID = replacesID
        self.repliesToID = repliesToID
        self.requestKey = requestKey
        self.requestSHA256 = requestSHA256
    }
}

public struct DocumentFileRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "documentFile"
    public var documentID: String
    public var position: Int
    public var name: String
    public var sha256: String
    public var size: Int64
    public var kind: Kind
    public var signatureSHA256: String
    /// Signed while the TSA could not be reached: the time stamp is still to be added.
    public var awaitingTimeStamp: Bool

    public init(
        documentID: String, position: Int, name: String, sha256: String, size: Int64, kind: Kind,
        signatureSHA256: String,
        awaitingTimeStamp: Bool = false
    ) {
        self.documentID = documentID
        self.position = position
        self.name = name
        self.sha256 = sha256
        self.size = size
        self.kind = kind
        self.signatureSHA256 = signatureSHA256
        self.awaitingTimeStamp = awaitingTimeStamp
    }

    public enum Kind: String, Codable, Sendable, DatabaseValueConvertible {
        /// The main file: signed by the signer, then sealed.
        case document
        /// Sealed only.
        case attachment
    }
}

/// A revision of a PDF LienThong signed inside (``LienThongPDF/SignedPDF``): the filed file's first `length` bytes
/// were the document at that step (the draft, the signer's signature, the number and date, the seal, …), with this
/// SHA-256.
public struct PDFRevisionRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "pdfRevision"
    public var documentID: String
    public var filePosition: Int
    /// 1 for the file as uploaded, then each revision appended in order.
    public var revision: Int
    public var content: String
    public var length: Int64
    public var sha256: String

    public init(
        documentID: String, filePosition: Int, revision: Int, content: String, length: Int64, sha256: String
    ) {
        self.documentID = documentID
        self.filePosition = filePosition
        self.revision = revision
        self.content = content
        self.length = length
        self.sha256 = sha256
    }
}

/// One SignerInfo as it was made, for reports that need no re-verification.
public struct SignatureRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "signature"
    public var documentID: String
    public var filePosition: Int
    public var signerIndex: Int
    public var role: CertificateRole
    public var commonName: String
    public var organization: String?
    public var serialNumber: String
    public var algorithm: String
    public var signedAt: Date

    public init(
        documentID: String, filePosition: Int, signerIndex: Int, role: CertificateRole, commonName: String,
        organization: String?, serialNumber: String, algorithm: String, signedAt: Date
    ) {
        self.documentID = documentID
        self.filePosition = filePosition
        self.signerIndex = signerIndex
        self.role = role
        self.commonName = commonName
        self.organization = organization
        self.serialNumber = serialNumber
        self.algorithm = algorithm
        self.signedAt = signedAt
    }
}

public struct DeliveryRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "delivery"
    public var id: Int64?
    public var documentID: String
    public var recipientCode: String
    public var recipientName: String
    public var status: DeliveryStatus
    /// Số đến, assigned when the recipient accepts (03).
    public var arrivalNumber: Int?
    public var arrivalYear: Int?
    public var updatedAt: Date
    /// The unit or person the document was assigned to (04), e.g. "Phòng Văn hóa – Xã hội".
    public var assignee: String?
    /// The retired code the sender addressed, when the delivery went to its successor.
    public var addressedTo: String?

    public init(
        id: Int64?, documentID: String, recipientCode: String, recipientName: String, status: DeliveryStatus,
        arrivalNumber: Int?, arrivalYear: Int?, updatedAt: Date,
        assignee: String? = nil, addressedTo: String? = nil
    ) {
        self.id = id
        self.documentID = documentID
        self.recipientCode = recipientCode
        self.recipientName = recipientName
        self.status = status
        self.arrivalNumber = arrivalNumber
        self.arrivalYear = arrivalYear
        self.updatedAt = updatedAt
        self.assignee = assignee
        self.addressedTo = addressedTo
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

public struct StatusEventRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "statusEvent"
    public var id: Int64?
    public var deliveryID: Int64
    public var status: DeliveryStatus
    public var at: Date
    public var actor: String
    public var note: String?
    public var assignee: String?

    public init(
        id: Int64?, deliveryID: Int64, status: DeliveryStatus, at: Date, actor: String, note: String?,
        assignee: String? = nil
    ) {
        self.id = id
        self.deliveryID = deliveryID
        self.status = status
        self.at = at
        self.actor = actor
        self.note = note
        self.assignee = assignee
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }

    /// Appends `status` to the history of `delivery` (already inserted).
    static func append(
        _ db: Database, to delivery: DeliveryRecord, _ status: DeliveryStatus, at: Date, actor: String, note: String?,
        assignee: String? = nil
    ) throws {
        var event = StatusEventRecord(
            id: nil, deliveryID: delivery.id!, status: status, at: at, actor: actor, note: note, assignee: assignee)
        try event.insert(db)
    }
}

/// A paper document received and entered in the incoming register (số đến from the same series as
/// electronic ones), so that the registers and the ratios have their true denominator.
public struct PaperArrivalRecord: Codable, Sendable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "paperArrival"
    public var id: Int64?
    public var recipientCode: String
    public var arrivalYear: Int
    public var arrivalNumber: Int
    public var receivedAt: Date
    /// Tác giả: the issuing agency as written on the paper.
    public var senderName: String
    public var numberAndSymbol: String
    /// Ngày tháng văn bản (YYYY-MM-DD).
    public var issuedOn: String
    public var typeName: String
    public var subject: String
    public var urgency: Int
    public var assignee: String?
    public var notes: String?
    public var registeredBy: String

    public init(
        recipientCode: String, receivedAt: Date, senderName: String, numberAndSymbol: String, issuedOn: String,
        typeName: String, subject: String, urgency: Int, assignee: String?, notes: String?, registeredBy: String
    ) {
        self.recipientCode = recipientCode
        self.arrivalYear = 0
        self.arrivalNumber = 0
        self.receivedAt = receivedAt
        self.senderName = senderName
        self.numberAndSymbol = numberAndSymbol
        self.issuedOn = issuedOn
        self.typeName = typeName
        self.subject = subject
        self.urgency = urgency
        self.assignee = assignee
        self.notes = notes
        self.registeredBy = registeredBy
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A document with its signatures and its deliveries, each with its status history, as
/// ``Registry/importHistory(_:)`` files it.
@_spi(Import) public struct HistoricalDocument: Sendable {
    public var document: DocumentRecord
    public var signatures: [SignatureRecord]
    public var deliveries: [(DeliveryRecord, [StatusEventRecord])]

    public init(
        document: DocumentRecord, signatures: [SignatureRecord], deliveries: [(DeliveryRecord, [StatusEventRecord])]
    ) {
        self.document = document
        self.signatures = signatures
        self.deliveries = deliveries
    }
}

/// The answer to a POST made with an Idempotency-Key.
public struct IdempotentResponseRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "idempotentResponse"
    /// SHA-256 of the user and the key: keys are the client's, unique per user.
    public var requestKey: String
    /// SHA-256 of the method, path and body: the same key with another request is refused.
    public var requestSHA256: String
    public var status: Int
    public var contentType: String
    public var body: Data
    public var createdAt: Date

    public init(
        requestKey: String, requestSHA256: String, status: Int, contentType: String, body: Data, createdAt: Date
    ) {
        self.requestKey = requestKey
        self.requestSHA256 = requestSHA256
        self.status = status
        self.contentType = contentType
        self.body = body
        self.createdAt = createdAt
    }
}

/// The issuing agency's seal over a document's identity (`DocumentIdentity`): the exact JSON
/// bytes sealed and the detached CMS over them. Written once per document, never changed.
public struct SealedIdentityRecord: Codable, Sendable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "sealedIdentity"
    public var documentID: String
    public var identity: Data
    public var signature: Data
    public var sealedAt: Date

    public init(documentID: String, identity: Data, signature: Data, sealedAt: Date) {
        self.documentID = documentID
        self.identity = identity
        self.signature = signature
        self.sealedAt = sealedAt
    }
}

/// Stored as its two-digit code, as QCVN 102 writes it; the domain type itself knows no database.
extension DeliveryStatus: DatabaseValueConvertible {}
extension CertificateRole: DatabaseValueConvertible {}
