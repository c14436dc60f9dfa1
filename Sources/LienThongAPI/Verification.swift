import Foundation
import LienThongCrypto

/// `POST /v1/verify`, from anyone: a file and its detached signature, or a signed PDF alone.
public struct VerifyRequest: Codable, Sendable {
    /// The file's bytes, base64.
    public var content: String
    /// The detached CMS signature: base64 DER, or PEM text. Absent for a PDF that carries its signatures (PAdES).
    public var signature: String?
    public var name: String?
    /// "document" (signer and seal, the default), "attachment" (seal) or "any".
    public var expect: SignatureExpectation?

    public init(content: String, signature: String?, name: String? = nil, expect: SignatureExpectation? = nil) {
        self.content = content
        self.signature = signature
        self.name = name
        self.expect = expect
    }
}

/// What `POST /v1/verify` answers: the report on a file and its detached signature, or on every signature of a
/// signed PDF (one file report per signature, with the rules over all of them).
public enum VerificationAnswer: Encodable, Sendable {
    case file(FileReport)
    case pdf(VerificationReport)

    public var verdict: Verdict {
        switch self {
        case .file(let report): report.verdict
        case .pdf(let report): report.verdict
        }
    }

    /// As the report itself.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .file(let report): try report.encode(to: encoder)
        case .pdf(let report): try report.encode(to: encoder)
        }
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
