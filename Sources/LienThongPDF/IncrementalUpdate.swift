import Foundation

/// An incremental update (ISO 32000-2, 7.5.6): new and changed objects appended after the last byte of the file,
/// then a cross-reference section of the same form as the one before it (a table after a table, a stream after a
/// stream) and a trailer pointing back to it. Nothing before is rewritten, so every earlier signature still holds.
struct IncrementalUpdate {
    /// Where the file's last cross-reference section starts and what form it has.
    struct PreviousSection {
        let offset: Int
        let isStream: Bool
        /// The trailer's `/Size`: one more than the highest object number in use.
        let size: Int
    }

    /// The length of the file this update follows, and whether it ends a line.
    let originalCount: Int
    let endsLine: Bool
    let previous: PreviousSection
    /// The trailer's entries carried forward: `/Root`, `/Info`, `/ID`, in PDF syntax.
    let carried: String
    private var objects: [(reference: ObjectReference, body: Data)] = []

    /// An update of the PDF `file` parsed, that carries its trailer's `/Root`, `/Info` and `/ID` forward.
    init(appendingTo file: QPDFFile) throws(PDFError) {
        let trailer = file.trailer
        guard let size = file.integer(file.key("/Size", of: trailer)) else {
            throw PDFError(.unreadable, "the PDF's trailer has no /Size")
        }
        carried = ["/Root", "/Info", "/ID"].filter { file.has($0, trailer) }
            .map { "\($0) \(file.unparse(file.key($0, of: trailer)))" }.joined(separator: " ")
        let data = file.source.data
        previous = try .find(in: data, size: size)
        originalCount = data.count
        endsLine = [0x0A, 0x0D].contains(data.last)
    }

    /// Writes `body` as the object `reference` in this revision; a changed object replaces its earlier self.
    mutating func add(_ reference: ObjectReference, _ body: Data) {
        objects.removeAll { $0.reference == reference }
        objects.append((reference, body))
    }

    /// The bytes to append to the file, and where each object of the revision starts in the file.
    func write() -> (tail: Data, offsets: [ObjectReference: Int]) {
        var data = Data(capacity: objects.reduce(4096) { $0 + $1.body.count + 32 })
        if originalCount > 0, !endsLine { data.append(0x0A) }
        var offsets: [ObjectReference: Int] = [:]
        for (reference, body) in objects {
            offsets[reference] = originalCount + data.count
            data.append(Data("\(reference.number) \(reference.generation) obj\n".utf8))
            data.append(body)
            data.append(Data("\nendobj\n".utf8))
        }
        let highest = objects.map(\.reference.number).max() ?? 0
        let sectionOffset = originalCount + data.count
        if previous.isStream {
            // The cross-reference stream is an object too, with the next number, and lists itself.
            let own = ObjectReference(number: max(previous.size, highest + 1), generation: 0)
            var entries = offsets
            entries[own] = sectionOffset
            let size = own.number + 1
            let width = sectionOffset < 1 << 32 ? 4 : 8
            var stream = Data()
            for reference in entries.keys.sorted(by: { $0.number < $1.number }) {
                stream.append(1)
                stream.append(contentsOf: Self.bigEndian(entries[reference]!, width: width))
                stream.append(contentsOf: Self.bigEndian(reference.generation, width: 2))
            }
            let index = Self.runs(entries.keys.map(\.number)).map { "\($0.first) \($0.count)" }.joined(separator: " ")
            data.append(
                Data(
                    ("\(own.number) 0 obj\n<< /Type /XRef /Size \(size) /Index [\(index)] /W [1 \(width) 2] "
                        + "/Prev \(previous.offset) \(carried) /Length \(stream.count) >>\nstream\r\n").utf8))
            data.append(stream)
            data.append(Data("\r\nendstream\nendobj\n".utf8))
        } else {
            var table = "xref\n"
            for run in Self.runs(offsets.keys.map(\.number)) {
                table += "\(run.first) \(run.count)\n"
                for number in run.first..<run.first + run.count {
                    let reference = offsets.keys.first { $0.number == number }!
                    table +=
                        PDFSyntax.padded(offsets[reference]!, 10) + " "
                        + PDFSyntax.padded(reference.generation, 5) + " n\r\n"
                }
            }
            let size = max(previous.size, highest + 1)
            table += "trailer\n<< /Size \(size) /Prev \(previous.offset) \(carried) >>\n"
            data.append(Data(table.utf8))
        }
        data.append(Data("startxref\n\(sectionOffset)\n%%EOF\n".utf8))
        return (data, offsets)
    }

    /// Consecutive object numbers as runs, each a subsection of the cross-reference section.
    private static func runs(_ numbers: [Int]) -> [(first: Int, count: Int)] {
        var runs: [(first: Int, count: Int)] = []
        for number in Set(numbers).sorted() {
            if let last = runs.last, last.first + last.count == number {
                runs[runs.count - 1].count += 1
            } else {
                runs.append((number, 1))
            }
        }
        return runs
    }

    private static func bigEndian(_ value: Int, width: Int) -> [UInt8] {
        (0..<width).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}

extension IncrementalUpdate.PreviousSection {
    /// The last cross-reference section named by the file's final `startxref`.
    static func find(in data: Data, size: Int) throws(PDFError) -> Self {
        let tail = data.suffix(4096)
        guard let keyword = tail.lastRange(of: Data("startxref".utf8)) else {
            throw PDFError(.unreadable, "the PDF has no startxref at its end: it is truncated or not a PDF")
        }
        // `startxref`, its offset alone on the next line, then `%%EOF`: anything else, readers read differently.
        let afterKeyword = tail[keyword.upperBound...].drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        let digits = afterKeyword.prefix { (0x30...0x39).contains($0) }
        let rest = afterKeyword.dropFirst(digits.count).drop { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }
        guard !digits.isEmpty, digits.count <= 18, rest.starts(with: Data("%%EOF".utf8)),
            let offset = Int(String(decoding: digits, as: UTF8.self)), offset < data.count
        else {
            throw PDFError(.unreadable, "the PDF's startxref names no place in the file, or is not followed by %%EOF")
        }
        let section = data[(data.startIndex + offset)...].prefix(16)
        return Self(offset: offset, isStream: !section.starts(with: Data("xref".utf8)), size: size)
    }
}

extension IncrementalUpdate {
    /// Writes `body` as a new object of `file`, numbered after every object it has.
    mutating func addNew(_ body: String, in file: QPDFFile) -> ObjectReference {
        let reference = file.reference(file.reserveObject())
        add(reference, Data(body.utf8))
        return reference
    }

    /// Writes a new stream of `file`: `entries` are its dictionary's, but `/Length` and `/Filter`; compressed with
    /// deflate unless told not to (DSS entries stay as they are, for tools that read them raw).
    mutating func addNewStream(
        _ data: Data, entries: String = "", compressed: Bool = true, in file: QPDFFile
    ) -> ObjectReference {
        let deflated = compressed ? Deflate.compress(data) : nil
        let stored = deflated ?? data
        var body = Data(
            "<< \(entries)\(deflated != nil ? " /Filter /FlateDecode" : "") /Length \(stored.count) >>\nstream\n".utf8)
        body.append(stored)
        body.append(Data("\nendstream".utf8))
        let reference = file.reference(file.reserveObject())
        add(reference, body)
        return reference
    }
}
