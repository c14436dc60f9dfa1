import Foundation

/// A PDF and the revisions LienThong appended to it, each with what it holds and where it ends: what the registry
/// keeps (each revision's length and hash), so that any earlier state of the document can be shown to be a prefix of
/// the one filed.
public struct SignedPDF: Sendable {
    public struct Revision: Sendable, Equatable {
        /// What the revision holds, in a word or two: "draft", "approval", "seal", "validation data", ….
        public var content: String
        /// Where it ends: the file's first `length` bytes are the document as it was then.
        public var length: Int
    }

    public private(set) var data: Data
    public private(set) var revisions: [Revision]

    /// The file as it came, a revision of its own (however many it holds).
    public init(_ original: Data, content: String) {
        data = original
        revisions = [Revision(content: content, length: original.count)]
    }

    /// The file with `appended` as its new state; nothing is recorded when it did not grow (a draft that had its
    /// placeholders already).
    mutating func append(_ appended: Data, _ content: String) {
        guard appended.count > data.count else { return }
        data = appended
        revisions.append(Revision(content: content, length: appended.count))
    }
}
