import Foundation
import LienThongPDF

/// PDFs for the tests: one written here, byte by byte, with a classic cross-reference table, and the shapes other
/// tools make of it (qpdf's object and cross-reference streams, linearisation, encryption).
package enum SamplePDF {
    /// The page's content stream: `text` in 14 pt at the top left.
    package static func content(_ text: String = "Cong van so 01/UBND-VP") -> String {
        "BT /F1 14 Tf 72 760 Td (\(text)) Tj ET"
    }

    /// One A4 page saying `text` in Helvetica (ASCII), with an information dictionary; its font is object 4 unless
    /// `font` names another reference (one the file does not define, for a test); `padding` bytes more in a
    /// stream of their own, for a PDF of a given size.
    package static func minimal(
        _ text: String = "Cong van so 01/UBND-VP", font: String = "4 0 R", padding: Int = 0
    ) -> Data {
        let content = content(text)
        let filler =
            padding > 0
            ? ["<< /Length \(padding) >>\nstream\n\(String(repeating: "0", count: padding))\nendstream"] : []
        let objects =
            [
                "<< /Type /Catalog /Pages 2 0 R >>",
                "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 \(font) >> >> "
                    + "/Contents 5 0 R >>",
                "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
                "<< /Length \(content.utf8.count) >>\nstream\n\(content)\nendstream",
                "<< /Producer (LienThong tests) >>",
            ] + filler
        var data = Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var offsets: [Int] = []
        for (index, object) in objects.enumerated() {
            offsets.append(data.count)
            data.append(Data("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8))
        }
        let xref = data.count
        var table = "xref\n0 \(objects.count + 1)\n0000000000 65535 f\r\n"
        for offset in offsets {
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n\r\n"
        }
        table += "trailer\n<< /Size \(objects.count + 1) /Root 1 0 R /Info 6 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        data.append(Data(table.utf8))
        return data
    }

    /// A scanned document of `pages` A4 pages, each a 1024 × 1024 grey image of a megabyte, uncompressed, as a
    /// scanner without compression makes them: a PDF of `pages` MB, written to `url` a page at a time, never held
    /// in memory whole.
    package static func scanned(pages: Int, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var offset = 0
        var offsets: [Int] = []
        func write(_ data: Data) throws {
            try handle.write(contentsOf: data)
            offset += data.count
        }
        func object(_ body: String, stream: Data? = nil) throws {
            offsets.append(offset)
            try write(Data("\(offsets.count) 0 obj\n\(body)\n".utf8))
            if let stream { try write(Data("stream\n".utf8) + stream + Data("\nendstream\n".utf8)) }
            try write(Data("endobj\n".utf8))
        }
        try write(Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8))
        // Catalog 1, pages 2, then for each page its page, content and image objects.
        let kids = (0..<pages).map { "\(3 + 3 * $0) 0 R" }.joined(separator: " ")
        try object("<< /Type /Catalog /Pages 2 0 R >>")
        try object("<< /Type /Pages /Kids [\(kids)] /Count \(pages) >>")
        let draw = Data("q 595 0 0 842 0 0 cm /Im0 Do Q".utf8)
        let scan = Data((0..<(1 << 20)).map { UInt8(truncatingIfNeeded: ($0 >> 10) &+ ($0 & 1023) &* 3) })
        for page in 0..<pages {
            let first = 3 + 3 * page
            try object(
                "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /XObject << /Im0 \(first + 2) 0 R "
                    + ">> >> /Contents \(first + 1) 0 R >>")
            try object("<< /Length \(draw.count) >>", stream: draw)
            // Each page its own: its number in the first row.
            var image = scan
            image.replaceSubrange(0..<8, with: withUnsafeBytes(of: UInt64(page).bigEndian, Array.init))
            try object(
                "<< /Type /XObject /Subtype /Image /Width 1024 /Height 1024 /ColorSpace /DeviceGray "
                    + "/BitsPerComponent 8 /Length \(image.count) >>", stream: image)
        }
        let xref = offset
        var table = "xref\n0 \(offsets.count + 1)\n0000000000 65535 f\r\n"
        for start in offsets {
            let digits = String(start)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n\r\n"
        }
        table += "trailer\n<< /Size \(offsets.count + 1) /Root 1 0 R >>\nstartxref\n\(xref)\n%%EOF\n"
        try write(Data(table.utf8))
    }

    /// The font the daemon draws signatures' text in by default (Debian's fonts-liberation2).
    package static func font() throws -> TrueTypeFont {
        try TrueTypeFont(
            contentsOf: URL(fileURLWithPath: "/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf"))
    }

    /// A province's directive drafted to Decree 30's layout, in Vietnamese: what a drafting unit hands the clerk.
    package static func directive() throws -> Data { try TextPage.directive(font: font()) }

    /// A one-line attachment (phụ lục).
    package static func annex(_ title: String = "PHỤ LỤC: Danh sách các xã") throws -> Data {
        try TextPage.make([.init(title, x: 297, baseline: 700, centred: true)], font: font())
    }

    /// `pdf` rewritten by `qpdf` with `arguments` (for example `--object-streams=generate`).
    package static func qpdf(_ pdf: Data, _ arguments: [String], in directory: URL) throws -> Data {
        let input = directory.appendingPathComponent("qpdf-in-\(UUID().uuidString).pdf")
        let output = directory.appendingPathComponent("qpdf-out-\(UUID().uuidString).pdf")
        try pdf.write(to: input)
        let result = try run("qpdf", arguments + [input.path, output.path])
        guard result.status == 0 || result.status == 3 else { throw SampleFailure(result.output) }
        return try Data(contentsOf: output)
    }

    package struct SampleFailure: Error, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }
}
