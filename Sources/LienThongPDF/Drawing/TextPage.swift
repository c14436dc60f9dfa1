import Foundation
import LienThongCrypto

/// A one-page A4 PDF of text lines in one embedded font: the demo's draft documents (dự thảo), laid out as Decree 30
/// lays out a directive, for a first send that needs no word processor.
public enum TextPage {
    public struct Line: Sendable {
        public var text: String
        public var x: Double
        public var baseline: Double
        public var size: Double
        /// Centred on `x` rather than starting at it.
        public var centred: Bool

        public init(_ text: String, x: Double, baseline: Double, size: Double = 13, centred: Bool = false) {
            self.text = text
            self.x = x
            self.baseline = baseline
            self.size = size
            self.centred = centred
        }
    }

    public static func make(_ lines: [Line], font: TrueTypeFont) throws -> Data {
        let skeleton = [
            "<< /Type /Catalog /Pages 2 0 R >>",
            "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] >>",
            "<< /Producer (LienThong) >>",
        ]
        var data = Data("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
        var table = "xref\n0 \(skeleton.count + 1)\n0000000000 65535 f\r\n"
        for (index, object) in skeleton.enumerated() {
            table += PDFSyntax.padded(data.count, 10) + " 00000 n\r\n"
            data.append(Data("\(index + 1) 0 obj\n\(object)\nendobj\n".utf8))
        }
        let offset = data.count
        data.append(
            Data(
                (table + "trailer\n<< /Size \(skeleton.count + 1) /Root 1 0 R /Info 4 0 R >>\nstartxref\n\(offset)\n"
                    + "%%EOF\n").utf8))
        // The page's content, drawn as an appearance is and placed on the page as a form XObject.
        let file = try QPDFFile(ByteSource(data), name: "the draft")
        var update = try IncrementalUpdate(appendingTo: file)
        let page = PDFRect(x: 0, y: 0, width: 595.28, height: 841.89)
        var drawing = AppearanceStream(width: page.width, height: page.height)
        for line in lines {
            let x = line.centred ? line.x - font.width(of: line.text, size: line.size) / 2 : line.x
            drawing.text(line.text, x: x, baseline: line.baseline, size: line.size, font: font)
        }
        let form = try drawing.write(into: &update, file: file)
        let content = update.addNewStream(Data("q /Page Do Q".utf8), in: file)
        update.add(
            ObjectReference(number: 3, generation: 0),
            Data(
                ("<< /Type /Page /Parent 2 0 R /MediaBox \(page.pdf) /Resources << /XObject << /Page \(form) >> >> "
                    + "/Contents \(content) >>").utf8))
        return data + update.write().tail
    }

    /// A directive of a provincial People's Committee, with room for its number and date and for the signature:
    /// where ``Decree30Layout/standard`` puts them.
    public static func directive(font: TrueTypeFont) throws -> Data {
        try make(
            [
                Line("ỦY BAN NHÂN DÂN", x: 150, baseline: 790, size: 12, centred: true),
                Line("TỈNH ĐIỆN BIÊN", x: 150, baseline: 775, size: 12, centred: true),
                Line("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", x: 400, baseline: 790, size: 12, centred: true),
                Line("Độc lập - Tự do - Hạnh phúc", x: 400, baseline: 775, size: 13, centred: true),
                Line("CHỈ THỊ", x: 297, baseline: 690, size: 14, centred: true),
                Line("Về việc đẩy mạnh cải cách hành chính năm 2027", x: 297, baseline: 672, size: 13, centred: true),
                Line("Thực hiện Nghị định số 30/2020/NĐ-CP về công tác văn thư, Ủy ban nhân dân", x: 85, baseline: 630),
                Line("tỉnh yêu cầu các sở, ban, ngành và Ủy ban nhân dân các huyện thực hiện", x: 70, baseline: 612),
                Line("gửi, nhận văn bản điện tử có ký số qua Trục liên thông văn bản quốc gia.", x: 70, baseline: 594),
                Line(
                    "Chủ tịch Ủy ban nhân dân các huyện chịu trách nhiệm thi hành Chỉ thị này./.", x: 85,
                    baseline: 576),
                Line("Nơi nhận:", x: 70, baseline: 500, size: 12),
                Line("- Như trên;", x: 70, baseline: 486, size: 11),
                Line("- Lưu: VT.", x: 70, baseline: 472, size: 11),
                Line("TM. ỦY BAN NHÂN DÂN", x: 430, baseline: 500, size: 13, centred: true),
                Line("CHỦ TỊCH", x: 430, baseline: 484, size: 13, centred: true),
                Line("Lò Văn Mừng", x: 430, baseline: 345, size: 13, centred: true),
            ], font: font)
    }
}

/// Where the issuance draws on a document: the signing position, the number and date placeholders, the seal's
/// size. Positions are points from the lower-left corner of the page (A4 is 595 by 842).
public struct Decree30Layout: Sendable, Equatable, Codable {
    /// The competent person's signature, on the last page, between the title and the name.
    public var signature: PDFRect
    /// "Số: 12/CT-UBND", under the agency's name, on page 1.
    public var number: PDFRect
    /// "Điện Biên, ngày 29 tháng 11 năm 2026", under the national motto, on page 1.
    public var date: PDFRect
    /// The seal's actual diameter: 35 to 42 mm for most agencies' seals.
    public var sealDiameterMillimetres: Double

    public init(signature: PDFRect, number: PDFRect, date: PDFRect, sealDiameterMillimetres: Double) {
        self.signature = signature
        self.number = number
        self.date = date
        self.sealDiameterMillimetres = sealDiameterMillimetres
    }

    /// The places an A4 directive drafted to Decree 30's layout leaves (``TextPage/directive(font:)`` is one).
    public static let standard = Decree30Layout(
        signature: PDFRect(x: 340, y: 395, width: 180, height: 80),
        number: PDFRect(x: 70, y: 740, width: 170, height: 18),
        date: PDFRect(x: 290, y: 740, width: 250, height: 18),
        sealDiameterMillimetres: 36)
}
