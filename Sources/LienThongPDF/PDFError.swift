/// Why a PDF cannot be signed or read, in words a clerk can act on.
public struct PDFError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The rule that refused the PDF.
    public enum Kind: String, Sendable {
        /// Not a PDF, or damaged beyond what a reader recovers without guessing.
        case unreadable
        /// Encrypted: its objects cannot be changed without its password, and a signature would not cover them.
        case encrypted
        /// A shape LienThong does not write over (named in the description).
        case unsupported
        /// The signature does not fit the room left for it.
        case signatureTooLarge
    }

    public let kind: Kind
    public let description: String

    public init(_ kind: Kind, _ description: String) {
        self.kind = kind
        self.description = description
    }
}
