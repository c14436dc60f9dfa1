import Foundation

/// The one rule for the name of a document's file, applied where a name enters (the daemon's
/// send and verify) and where it becomes a file (`lienthong get`) or is read back (`verify`): a
/// name every recipient can save and open, beside its signature `NAME.p7s`, that shows as it is.
public enum DocumentFileName {
    /// The export's own files, which no file of a document may take the place of.
    public static let reserved: Set<String> = ["manifest.json", "identity.json", "identity.json.p7s"]
    /// Bytes of UTF-8: the `.p7s` beside it must still fit in a file system's 255.
    public static let maximumBytes = 200

    /// The name in NFC, as subjects are kept, or the rule it breaks.
    public static func check(_ name: String) throws(DomainError) -> String {
        let normalized = name.trimmingWhitespace().nfc
        let refuse = { (rule: String) -> DomainError in
            .invalid(field: "file name", value: normalized.unicodeScalars.map(Self.visible).joined(), rule: rule)
        }
        guard !normalized.isEmpty else { throw .missing(field: "file name") }
        guard normalized.utf8.count <= maximumBytes else {
            throw refuse("at most \(maximumBytes) bytes of UTF-8, so that its signature NAME.p7s fits beside it")
        }
        guard !normalized.contains("/"), !normalized.contains("\\") else { throw refuse("no paths: no / or \\") }
        guard !normalized.hasPrefix(".") else { throw refuse("no name that starts with a dot (hidden, or . and ..)") }
        guard !normalized.unicodeScalars.contains(where: isHidden) else {
            throw refuse("no control characters and no bidirectional marks, which show a name otherwise than it is")
        }
        guard !reserved.contains(normalized.lowercased()) else { throw refuse("it is one of an export's own files") }
        guard !normalized.lowercased().hasSuffix(".p7s") else {
            throw refuse("a .p7s name would take the place of another file's signature: rename it, e.g. NAME.p7s.bin")
        }
        return normalized
    }

    /// Control characters, bidirectional overrides and isolates, and the zero-width characters and
    /// marks (U+200B…U+200F, U+FEFF) a name must not hide either.
    private static func isHidden(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control || scalar.isBidirectionalOverride
            || (0x200B...0x200F).contains(scalar.value) || scalar.value == 0xFEFF
    }

    private static func visible(_ scalar: Unicode.Scalar) -> String {
        isHidden(scalar) ? "<\(scalar.codePoint)>" : String(scalar)
    }
}
