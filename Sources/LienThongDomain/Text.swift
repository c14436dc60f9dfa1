import Foundation

extension String {
    /// Canonical composition (NFC): the form in which Vietnamese text is compared and searched.
    /// Never applied to bytes that are signed.
    public var nfc: String { precomposedStringWithCanonicalMapping }
}

/// A limit on a text field, from Decree 30/2020/NĐ-CP Appendix VI.
public struct FieldLimit: Sendable {
    public let field: String
    public let maximum: Int
    /// Whether line breaks and tabs may stand in it (notes, reasons, lists of units).
    public let multiline: Bool

    public init(field: String, maximum: Int, multiline: Bool = false) {
        self.field = field
        self.maximum = maximum
        self.multiline = multiline
    }

    /// Checks the NFC form, counted in characters as a clerk counts them. Control characters
    /// (a NUL hides the rest of a subject in a table) and the bidirectional overrides that make
    /// text read otherwise than it is stored are refused.
    @discardableResult
    public func check(_ value: String, required: Bool = false) throws(DomainError) -> String {
        let normalized = value.trimmingWhitespace().nfc
        if required, normalized.isEmpty { throw .missing(field: field) }
        guard normalized.count <= maximum else {
            throw .tooLong(field: field, limit: maximum, actual: normalized.count)
        }
        if let bad = normalized.unicodeScalars.first(where: { !isAllowed($0) }) {
            throw .invalid(
                field: field, value: bad.codePoint,
                rule: "control and bidirectional-override characters are not allowed in it: remove them "
                    + "(they hide or reorder text in registers)")
        }
        return normalized
    }

    private func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        if multiline, scalar == "\n" || scalar == "\r" || scalar == "\t" { return true }
        return scalar.properties.generalCategory != .control && !scalar.isBidirectionalOverride
    }

    public static let issuerName = FieldLimit(field: "issuing agency name", maximum: 200)
    public static let typeName = FieldLimit(field: "document type name", maximum: 100)
    public static let number = FieldLimit(field: "number", maximum: 11)
    public static let symbol = FieldLimit(field: "symbol", maximum: 30)
    public static let subject = FieldLimit(field: "subject (trích yếu)", maximum: 500)
    public static let notes = FieldLimit(field: "notes", maximum: 500, multiline: true)
    public static let signerPosition = FieldLimit(field: "signer position", maximum: 100)
    public static let signerName = FieldLimit(field: "signer full name", maximum: 50)
    public static let recipientName = FieldLimit(field: "recipient name", maximum: 200)
    public static let receivingUnits = FieldLimit(field: "receiving units or persons", maximum: 1000, multiline: true)
    public static let reason = FieldLimit(field: "reason", maximum: 500, multiline: true)
    /// The abbreviation of an agency in symbols (UBND, SNV …); Decree 30 sets no length, 20 keeps symbols within 30.
    public static let agencyAbbreviation = FieldLimit(field: "abbreviation", maximum: 20)
}

extension Unicode.Scalar {
    /// Bidirectional embeddings, overrides and isolates: they make text read otherwise than it is stored.
    var isBidirectionalOverride: Bool { (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) }

    /// As Unicode writes it: U+202E.
    var codePoint: String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}

/// Text as search compares it (tìm kiếm không dấu): without diacritics, đ as d, in lower case, punctuation read as
/// space and spaces collapsed, so that "cai cach" finds "Cải cách" and "phong chong lut bao" finds "phòng, chống lụt
/// bão". Never applied to text that is signed or shown.
public enum SearchText {
    public static func fold(_ text: String) -> String {
        var folded = String.UnicodeScalarView()
        var space = true
        for scalar in text.decomposedStringWithCompatibilityMapping.lowercased().unicodeScalars {
            switch scalar.properties.isWhitespace ? .spaceSeparator : scalar.properties.generalCategory {
            case .nonspacingMark, .spacingMark, .enclosingMark, .format, .control:
                // Diacritics, and what text pasted from a word processor hides (zero-width spaces, soft hyphens).
                continue
            case .spaceSeparator, .lineSeparator, .paragraphSeparator, .connectorPunctuation, .dashPunctuation,
                .openPunctuation, .closePunctuation, .initialPunctuation, .finalPunctuation, .otherPunctuation,
                .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
                if !space { folded.append(" ") }
                space = true
            default:
                // Đ, and the Ð and Ɖ that text converted from older Vietnamese encodings has for it.
                folded.append(["đ", "ð", "ɖ"].contains(scalar) ? "d" : scalar)
                space = false
            }
        }
        if folded.last == " " { folded.removeLast() }
        return String(folded)
    }

    /// The words of `text`, folded: a search finds a document that has each of them, in any order.
    public static func words(_ text: String) -> [String] {
        fold(text).split(separator: " ").map(String.init)
    }
}
