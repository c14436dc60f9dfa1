import Foundation

/// One cross-reference section of a PDF (ISO 32000-2, 7.5.4 and 7.5.8): where it is, the section before it, and
/// every object it defines or frees. A revision after a signature is exactly what its sections define.
struct CrossReferenceSection {
    struct Entry: Hashable {
        let reference: ObjectReference
        let inUse: Bool
    }

    let offset: Int
    /// `/Prev`: the section of the revision before, if any.
    let previous: Int?
    let entries: [Entry]

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

    /// The section at `offset`: a table (with its trailer's `/XRefStm`, for a hybrid file) or a stream.
    static func read(at offset: Int, in data: Data, file: QPDFFile) throws(PDFError) -> CrossReferenceSection {
        guard offset >= 0, offset < data.count else {
            throw PDFError(.unreadable, "a cross-reference section is said to start outside the file")
        }
        var scanner = Scanner(data: data, position: data.startIndex + offset)
        if scanner.keyword("xref") {
            var entries: [Entry] = []
            while let first = scanner.integer() {
                guard let count = scanner.integer(), count >= 0, count < 10_000_000 else {
                    throw PDFError(.unreadable, "a cross-reference table at \(offset) is malformed")
                }
                for number in first..<first + count {
                    guard scanner.integer() != nil, let generation = scanner.integer(), let kind = scanner.word(),
                        kind == "n" || kind == "f"
                    else { throw PDFError(.unreadable, "a cross-reference table at \(offset) is malformed") }
                    entries.append(
                        Entry(reference: ObjectReference(number: number, generation: generation), inUse: kind == "n"))
                }
            }
            guard scanner.keyword("trailer") else {
                throw PDFError(.unreadable, "the cross-reference table at \(offset) has no trailer")
            }
            let trailer = scanner.upTo("startxref")
            if let hybrid = Self.integer(after: "/XRefStm", in: trailer) {
                entries += try read(at: hybrid, in: data, file: file).entries
            }
            return CrossReferenceSection(
                offset: offset, previous: Self.integer(after: "/Prev", in: trailer), entries: entries)
        }
        guard let number = scanner.integer(), let generation = scanner.integer(), scanner.keyword("obj") else {
            throw PDFError(.unreadable, "no cross-reference section starts at \(offset)")
        }
        let stream = file.object(ObjectReference(number: number, generation: generation))
        guard file.isStream(stream), file.isName(file.key("/Type", of: stream), "/XRef") else {
            throw PDFError(.unreadable, "the object at \(offset) is not a cross-reference stream")
        }
        let widths = file.items(of: file.key("/W", of: stream)).compactMap(file.integer)
        guard widths.count == 3, widths.allSatisfy({ (0...8).contains($0) }),
            let size = file.integer(file.key("/Size", of: stream))
        else { throw PDFError(.unreadable, "the cross-reference stream at \(offset) has no usable /W or /Size") }
        let index = file.items(of: file.key("/Index", of: stream)).compactMap(file.integer)
        let subsections = index.isEmpty ? [0, size] : index
        let bytes = [UInt8](try file.streamData(stream, decoded: true))
        let stride = widths.reduce(0, +)
        var entries: [Entry] = []
        var position = 0
        for pair in Swift.stride(from: 0, to: subsections.count - 1, by: 2) {
            for number in subsections[pair]..<subsections[pair] + subsections[pair + 1] {
                guard position + stride <= bytes.count else {
                    throw PDFError(.unreadable, "the cross-reference stream at \(offset) is shorter than its /Index")
                }
                var fields: [Int] = []
                var at = position
                for width in widths {
                    fields.append(bytes[at..<at + width].reduce(0) { $0 << 8 | Int($1) })
                    at += width
                }
                position += stride
                let kind = widths[0] == 0 ? 1 : fields[0]
                // Type 2 entries are objects in object streams, always of generation 0.
                let generation = kind == 1 || kind == 0 ? fields[2] : 0
                entries.append(
                    Entry(reference: ObjectReference(number: number, generation: generation), inUse: kind != 0))
            }
        }
        return CrossReferenceSection(
            offset: offset, previous: file.integer(file.key("/Prev", of: stream)), entries: entries)
    }

    private static func integer(after key: String, in text: String) -> Int? {
        guard let range = text.range(of: key) else { return nil }
        return Int(text[range.upperBound...].drop { $0 == " " || $0 == "\n" || $0 == "\r" }.prefix { $0.isNumber })
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

    /// The text up to `marker` (or the end), consumed.
    mutating func upTo(_ marker: String) -> String {
        let rest = data[position...]
        let end = rest.firstRange(of: Data(marker.utf8))?.lowerBound ?? data.endIndex
        defer { position = end }
        return String(decoding: data[position..<end], as: UTF8.self)
    }
}
