import Foundation

/// One cross-reference section of a PDF (ISO 32000-2, 7.5.4 and 7.5.8): where it is, the section before it, and
/// every object it defines or frees. A revision after a signature is exactly what its sections define.
struct CrossReferenceSection {
    struct Entry: Hashable {
        let reference: ObjectReference
        let inUse: Bool
        /// Where the object starts, for one stored as itself (not in an object stream, not free).
        let offset: Int?
    }

    let offset: Int
    /// `/Prev`: the section of the revision before, if any.
    let previous: Int?
    let entries: [Entry]
    /// The trailer's `/Root` and whether it names an `/Encrypt` dictionary.
    let root: String
    let encrypts: Bool

    /// The sections from the one at `offset` back along `/Prev` until one that starts before `stop`: those are the
    /// revisions after the bytes up to `stop`. Each is read once; a chain that loops is refused.
    static func chain(
        from offset: Int, until stop: Int, in data: Data, file: QPDFFile
    ) throws(PDFError) -> (later: [CrossReferenceSection], reached: Int?) {
        var sections: [CrossReferenceSection] = []
        var next: Int? = offset
        var seen: Set<Int> = []
        while let current = next, current >= stop {
            guard seen.insert(current).inserted, sections.count < 10_000 else {
                throw PDFError(.unreadable, "the PDF's cross-reference sections point back to each other")
            }
            let section = try read(at: current, in: data, file: file)
            sections.append(section)
            next = section.previous
        }
        return (sections, next)
    }

    /// The section at `offset`, read from the bytes there (never through a reader's view of the file, which a
    /// later revision could bend): a table with its trailer (and its `/XRefStm`, for a hybrid file) or a stream.
    static func read(at offset: Int, in data: Data, file: QPDFFile) throws(PDFError) -> CrossReferenceSection {
        guard offset >= 0, offset < data.count else {
            throw PDFError(.unreadable, "a cross-reference section is said to start outside the file")
        }
        let malformed = PDFError(.unreadable, "the cross-reference section at \(offset) is malformed")
        var scanner = Scanner(data: data, position: data.startIndex + offset)
        if scanner.keyword("xref") {
            var entries: [Entry] = []
            while let first = scanner.integer() {
                guard let count = scanner.integer(), count >= 0, count < 10_000_000, scanner.endOfLine() else {
                    throw malformed
                }
                // Each entry exactly as the standard writes it (ISO 32000-2, 7.5.4): 20 bytes, one a line.
                // Readers that tokenise and readers that read lines would otherwise see different entries.
                for number in first..<first + count {
                    guard let entry = scanner.take(20), let fields = Self.entry(entry) else { throw malformed }
                    entries.append(
                        Entry(
                            reference: ObjectReference(number: number, generation: fields.generation),
                            inUse: fields.inUse, offset: fields.inUse ? fields.offset : nil))
                }
            }
            guard scanner.prefix("trailer") else {
                throw PDFError(.unreadable, "the cross-reference table at \(offset) has no trailer")
            }
            let trailer = Self.dictionary(scanner.upTo("startxref"), file)
            guard file.isDictionary(trailer) else { throw malformed }
            if let hybrid = file.integer(file.key("/XRefStm", of: trailer)) {
                entries += try read(at: hybrid, in: data, file: file).entries
            }
            return CrossReferenceSection(
                offset: offset, previous: file.integer(file.key("/Prev", of: trailer)), entries: entries,
                root: Self.reference(file.key("/Root", of: trailer), file), encrypts: file.has("/Encrypt", trailer))
        }
        guard let number = scanner.integer(), scanner.integer() != nil, scanner.keyword("obj") else {
            throw PDFError(.unreadable, "no cross-reference section starts at \(offset)")
        }
        // The stream object as its bytes say: its dictionary, then exactly /Length bytes after `stream`.
        let dictionary = Self.dictionary(scanner.upTo("stream"), file)
        guard file.isDictionary(dictionary), file.isName(file.key("/Type", of: dictionary), "/XRef"),
            let length = file.integer(file.key("/Length", of: dictionary)), scanner.streamStart()
        else { throw PDFError(.unreadable, "the object \(number) at \(offset) is not a cross-reference stream") }
        guard let raw = scanner.take(length) else { throw malformed }
        let widths = file.items(of: file.key("/W", of: dictionary)).compactMap(file.integer)
        guard widths.count == 3, widths.allSatisfy({ (0...8).contains($0) }),
            let size = file.integer(file.key("/Size", of: dictionary))
        else { throw PDFError(.unreadable, "the cross-reference stream at \(offset) has no usable /W or /Size") }
        let index = file.items(of: file.key("/Index", of: dictionary)).compactMap(file.integer)
        let subsections = index.isEmpty ? [0, size] : index
        let bytes = [UInt8](try file.streamData(file.stream(raw, describedBy: dictionary), decoded: true))
        let stride = widths.reduce(0, +)
        var entries: [Entry] = []
        var position = 0
        for pair in Swift.stride(from: 0, to: subsections.count - 1, by: 2) {
            for number in subsections[pair]..<subsections[pair] + subsections[pair + 1] {
                guard position + stride <= bytes.count else { throw malformed }
                var fields: [Int] = []
                var at = position
                for width in widths {
                    fields.append(bytes[at..<at + width].reduce(0) { $0 << 8 | Int($1) })
                    at += width
                }
                position += stride
                let kind = widths[0] == 0 ? 1 : fields[0]
                // Type 2 entries are objects in object streams, always of generation 0.
                let generation = kind == 2 ? 0 : fields[2]
                entries.append(
                    Entry(
                        reference: ObjectReference(number: number, generation: generation), inUse: kind != 0,
                        offset: kind == 1 ? fields[1] : nil))
            }
        }
        return CrossReferenceSection(
            offset: offset, previous: file.integer(file.key("/Prev", of: dictionary)), entries: entries,
            root: Self.reference(file.key("/Root", of: dictionary), file), encrypts: file.has("/Encrypt", dictionary))
    }

    /// One 20-byte table entry: `oooooooooo ggggg n` and a two-byte end of line.
    private static func entry(_ bytes: Data) -> (offset: Int, generation: Int, inUse: Bool)? {
        let bytes = [UInt8](bytes)
        let digits = { (range: Range<Int>) in bytes[range].allSatisfy { (0x30...0x39).contains($0) } }
        guard bytes.count == 20, digits(0..<10), bytes[10] == 0x20, digits(11..<16), bytes[16] == 0x20,
            bytes[17] == UInt8(ascii: "n") || bytes[17] == UInt8(ascii: "f"),
            [[0x20, 0x0D], [0x20, 0x0A], [0x0D, 0x0A]].contains(Array(bytes[18..<20]))
        else { return nil }
        let number = { (range: Range<Int>) in bytes[range].reduce(0) { $0 * 10 + Int($1 - 0x30) } }
        return (number(0..<10), number(11..<16), bytes[17] == UInt8(ascii: "n"))
    }

    /// A trailer or stream dictionary as written, parsed as PDF syntax (qpdf parses no reference outside a file's
    /// objects, so each `N G R` is read as the string `(ref N G)` first): a `/Prev` inside a string is a string.
    private static func dictionary(_ text: String, _ file: QPDFFile) -> QPDFFile.Handle {
        var written = text
        for reference in PDFSyntax.references(in: text).reversed() {
            written.replaceSubrange(reference.range, with: "(ref \(reference.number) \(reference.generation))")
        }
        return file.parse(written)
    }

    /// A reference as ``dictionary(_:_:)`` wrote it, back as `N G R`.
    private static func reference(_ value: QPDFFile.Handle, _ file: QPDFFile) -> String {
        let text = file.text(value)
        return text.hasPrefix("ref ") ? String(text.dropFirst(4)) + " R" : file.unparse(value)
    }
}

/// Reads PDF tokens from raw bytes: enough for cross-reference tables and object headers.
private struct Scanner {
    let data: Data
    var position: Data.Index

    private mutating func skipSpace() {
        while position < data.endIndex, [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(data[position]) {
            position += 1
        }
    }

    /// The next run of non-space bytes, consumed.
    mutating func word() -> String? {
        skipSpace()
        let start = position
        while position < data.endIndex, ![0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20].contains(data[position]) {
            position += 1
        }
        return start == position ? nil : String(decoding: data[start..<position], as: UTF8.self)
    }

    /// The next word if it is a non-negative integer; otherwise nothing is consumed.
    mutating func integer() -> Int? {
        let saved = position
        if let word = word(), word.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int(word) {
            return value
        }
        position = saved
        return nil
    }

    /// Consumes `keyword` if it comes next.
    mutating func keyword(_ keyword: String) -> Bool {
        let saved = position
        if word() == keyword { return true }
        position = saved
        return false
    }

    /// Consumes `keyword` if the next word starts with it (`trailer<<` has no space between).
    mutating func prefix(_ keyword: String) -> Bool {
        skipSpace()
        guard data[position...].starts(with: Data(keyword.utf8)) else { return false }
        position += keyword.utf8.count
        return true
    }

    /// Spaces, then one end of line (CR, LF or CRLF), consumed.
    mutating func endOfLine() -> Bool {
        while position < data.endIndex, data[position] == 0x20 { position += 1 }
        if data[position...].starts(with: [0x0D, 0x0A]) {
            position += 2
        } else if let byte = data[position...].first, byte == 0x0A || byte == 0x0D {
            position += 1
        } else {
            return false
        }
        return true
    }

    /// After the `stream` keyword: its end of line, CRLF or LF (ISO 32000-2, 7.3.8.1).
    mutating func streamStart() -> Bool {
        guard prefix("stream") else { return false }
        if data[position...].starts(with: [0x0D, 0x0A]) {
            position += 2
        } else if data[position...].first == 0x0A {
            position += 1
        } else {
            return false
        }
        return true
    }

    /// The next `count` bytes, consumed.
    mutating func take(_ count: Int) -> Data? {
        guard count >= 0, data.distance(from: position, to: data.endIndex) >= count else { return nil }
        defer { position += count }
        return data[position..<position + count]
    }

    /// The text up to `marker` (or the end), consumed.
    mutating func upTo(_ marker: String) -> String {
        let rest = data[position...]
        let end = rest.firstRange(of: Data(marker.utf8))?.lowerBound ?? data.endIndex
        defer { position = end }
        return String(decoding: data[position..<end], as: UTF8.self)
    }
}
