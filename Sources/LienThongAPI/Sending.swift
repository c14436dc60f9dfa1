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
