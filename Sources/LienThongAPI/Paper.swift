import Foundation

/// `POST /v1/paper`: a paper document entered in a register (`lienthong register-paper`), so that
/// the registers are complete and the electronic ratio has its true denominator.
public struct PaperRequest: Codable, Sendable {
    /// in (received on paper) or out (issued on paper).
    public var direction: String
    /// Type name or abbreviation (QĐ, CV …).
    public var type: String
    /// Trích yếu.
    public var subject: String
    public var urgency: String?
    /// Refused unless absent or "none", as for electronic documents.
    public var secrecy: String?
    public var notes: String?

    // Out: numbered in the agency's series like an electronic document.
    /// Who signed the paper (out).
    public var signerName: String?
    public var signerPosition: String?
    /// TM., KT., TL., TUQ. or Q.
    public var authority: String?
    /// For a Công văn, the drafting unit in the symbol.
    public var draftingUnit: String?
    /// main, copy[:SY|SL|TS] or advisory:ABBREVIATION.
    public var series: String?
    /// Nơi nhận, as written on the paper (out).
    public var recipients: String?
    public var pageCount: Int?

    // In: entered with the next arrival number (số đến).
    /// The issuing agency as written on the paper (in).
    public var sender: String?
    /// Its number and symbol as written (in), e.g. 12/QĐ-BNV.
    public var numberAndSymbol: String?
    /// Its date (in), YYYY-MM-DD.
    public var issuedOn: String?
    /// The unit or person it goes to (in).
    public var assignee: String?

    public init(
        direction: String, type: String, subject: String, urgency: String? = nil, secrecy: String? = nil,
        notes: String? = nil,
        signerName: String? = nil, signerPosition: String? = nil, authority: String? = nil, draftingUnit: String? = nil,
        series: String? = nil, recipients: String? = nil, pageCount: Int? = nil,
        sender: String? = nil, numberAndSymbol: String? = nil, issuedOn: String? = nil, assignee: String? = nil
    ) {
        self.direction = direction
        self.type = type
        self.subject = subject
        self.urgency = urgency
        self.secrecy = secrecy
        self.notes = notes
        self.signerName = signerName
        self.signerPosition = signerPosition
        self.authority = authority
        self.draftingUnit = draftingUnit
        self.series = series
        self.recipients = recipients
        self.pageCount = pageCount
        self.sender = sender
        self.numberAndSymbol = numberAndSymbol
        self.issuedOn = issuedOn
        self.assignee = assignee
    }
}

/// What `POST /v1/paper` entered: an outgoing document with its number, or an arrival with its số đến.
public struct PaperRegistration: Codable, Sendable {
    public var direction: String
    /// Số, ký hiệu: the new number (out) or the one written on the paper (in).
    public var numberAndSymbol: String
    /// The document's id (out).
    public var id: String?
    /// Số đến (in).
    public var arrivalNumber: Int?
    public var year: Int
    public var subject: String

    public init(
        direction: String, numberAndSymbol: String, id: String?, arrivalNumber: Int?, year: Int, subject: String
    ) {
        self.direction = direction
        self.numberAndSymbol = numberAndSymbol
        self.id = id
        self.arrivalNumber = arrivalNumber
        self.year = year
        self.subject = subject
    }
}
