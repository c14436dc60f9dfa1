import Foundation

/// What the issuing agency's seal vouches for in every export: who issued the document, under
/// which number and symbol, to whom, and exactly which files it is made of. `manifest.json` is
/// a convenience anyone can edit; `identity.json`, sealed beside it (`identity.json.p7s`), is what
/// `lienthong verify` believes and prints.
public struct DocumentIdentity: Codable, Sendable, Equatable {
    public static let currentFormat = "lienthong-identity/1"
    public static let fileName = "identity.json"
    public static let signatureName = "identity.json.p7s"

    public struct File: Codable, Sendable, Equatable {
        public var position: Int
        public var name: String
        /// "document" for the main document, "attachment" for the others.
        public var role: String
        public var sha256: String
        public var size: Int64

        public init(position: Int, name: String, role: String, sha256: String, size: Int64) {
            self.position = position
            self.name = name
            self.role = role
            self.sha256 = sha256
            self.size = size
        }
    }

    public var format: String
    public var id: String
    public var issuer: AgencyRef
    /// Số, ký hiệu: the number and the symbol, and both as written on the document.
    public var number: Int
    public var symbol: String
    public var numberAndSymbol: String
    public var typeName: String
    /// Trích yếu.
    public var subject: String
    public var issuedAt: Date
    /// Nơi nhận.
    public var recipients: [AgencyRef]
    public var files: [File]

    public init(
        id: String, issuer: AgencyRef, number: Int, symbol: String, numberAndSymbol: String, typeName: String,
        subject: String, issuedAt: Date, recipients: [AgencyRef], files: [File]
    ) {
        format = Self.currentFormat
        self.id = id
        self.issuer = issuer
        self.number = number
        self.symbol = symbol
        self.numberAndSymbol = numberAndSymbol
        self.typeName = typeName
        self.subject = subject
        self.issuedAt = issuedAt
        self.recipients = recipients
        self.files = files
    }

    /// The bytes that are sealed: sorted keys, times in Vietnam time to the second.
    public func encoded() throws -> Data { try APIJSON.encoder.encode(self) }
}
