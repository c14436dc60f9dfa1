import Foundation
import LienThongDomain

/// The appearances Decree 30/2020/NĐ-CP (Appendix I, section II) gives electronic documents' signatures: the
/// competent person's signature image (blue, transparent) or name at the signing position; the agency's seal at its
/// actual size over about a third of that signature, on its left, with the agency's name and the time (ISO 8601,
/// Vietnam's offset); on an attachment, at the top right of page 1, no image, the document's number and symbol and
/// the time. Text in blue, upright, in a Times New Roman–compatible font.
public enum Decree30Appearance {
    /// Points in a millimetre.
    public static let pointsPerMillimetre = 72 / 25.4
    static let textSize = 10.0
    static let smallText = 8.0

    /// The competent person's signature (chữ ký số của người có thẩm quyền) in `rect` on the last page.
    public static func person(
        name: String, time: Date, image: PNGImage?, in rect: PDFRect, font: TrueTypeFont
    ) -> SignatureAppearance {
        var items: [SignatureAppearance.Item] = []
        let timeLine = VietnamTime.iso8601(time)
        let textBand = smallText * 1.3
        if let image {
            // Centred, as large as the rectangle allows above the time, its proportions kept.
            let room = PDFRect(x: 0, y: textBand, width: rect.width, height: rect.height - textBand)
            items.append(.image(image, fitted(image, in: room)))
        } else {
            let size = min(14, rect.width / max(1, font.width(of: name, size: 1)))
            items.append(
                .text(
                    name, x: (rect.width - font.width(of: name, size: size)) / 2,
                    baseline: textBand + (rect.height - textBand - size) / 2, size: size, color: .inkBlue))
        }
        // On the right: the seal comes over the left third.
        items.append(
            .text(
                timeLine, x: rect.width - font.width(of: timeLine, size: smallText), baseline: smallText * 0.3,
                size: smallText, color: .inkBlue))
        return SignatureAppearance(page: .last, rect: rect, items: items, font: font)
    }

    /// The agency's seal (chữ ký số của cơ quan, tổ chức) over the left third of the person's signature at
    /// `signature`: the seal image `diameter` points across, the agency's name and the time beneath it.
    /// - Parameter details: lines shown between the agency and the time: the number and date of a document that had
    ///   no placeholders for them.
    public static func seal(
        agency: String, time: Date, image: PNGImage?, over signature: PDFRect, diameter: Double, font: TrueTypeFont,
        details: [String] = []
    ) -> SignatureAppearance {
        let lines = [agency] + details + [VietnamTime.iso8601(time)]
        let leading = textSize * 1.2
        let textWidth = lines.map { font.width(of: $0, size: textSize) }.max() ?? 0
        let band = leading * Double(lines.count)
        let rect = PDFRect(
            x: signature.x + signature.width / 3 - diameter, y: signature.y + (signature.height - diameter) / 2 - band,
            width: max(diameter, textWidth), height: diameter + band)
        var items: [SignatureAppearance.Item] = []
        if let image { items.append(.image(image, PDFRect(x: 0, y: band, width: diameter, height: diameter))) }
        for (index, line) in lines.enumerated() {
            items.append(
                .text(
                    line, x: 0, baseline: band - leading * Double(index + 1) + textSize * 0.25, size: textSize,
                    color: .inkBlue))
        }
        return SignatureAppearance(page: .last, rect: rect, items: items, font: font)
    }

    /// The agency's signature on an attachment (ký phụ lục): at the top right of page 1, the document's number and
    /// symbol and the time, no image, in blue.
    public static func attachment(numberAndSymbol: String, time: Date, font: TrueTypeFont) -> SignatureAppearance {
        topRight(["Số: \(numberAndSymbol)", VietnamTime.iso8601(time)], color: .inkBlue, font: font)
    }

    /// The agency's signature on an electronic copy (bản sao): at the top right of page 1, the form of copy, the
    /// agency, the copy's number and symbol and the time, no image, in black.
    public static func copy(
        notation: String, agency: String, numberAndSymbol: String, time: Date, font: TrueTypeFont
    ) -> SignatureAppearance {
        topRight(
            [notation, agency, "Số: \(numberAndSymbol)", VietnamTime.iso8601(time)], color: .black, font: font)
    }

    /// Lines of text in a box at the top right of page 1, 15 mm from the right edge and 3 mm from the top: inside
    /// the 20 mm top margin Decree 30 sets, for up to four lines.
    private static func topRight(_ lines: [String], color: PDFColor, font: TrueTypeFont) -> SignatureAppearance {
        let leading = textSize * 1.1
        let width = (lines.map { font.width(of: $0, size: textSize) }.max() ?? 0) + 4
        let height = leading * Double(lines.count) + 4
        let items = lines.enumerated().map { index, line in
            SignatureAppearance.Item.text(
                line, x: 2, baseline: height - 2 - leading * Double(index + 1) + textSize * 0.25, size: textSize,
                color: color)
        }
        let rect = PDFRect(
            x: 15 * pointsPerMillimetre, y: 3 * pointsPerMillimetre, width: width, height: height)
        return SignatureAppearance(page: .first, rect: rect, anchor: .topRight, items: items, font: font)
    }

    /// `image` scaled to fit `room`, centred, its proportions kept.
    static func fitted(_ image: PNGImage, in room: PDFRect) -> PDFRect {
        let scale = min(room.width / Double(image.width), room.height / Double(image.height))
        let (width, height) = (Double(image.width) * scale, Double(image.height) * scale)
        return PDFRect(
            x: room.x + (room.width - width) / 2, y: room.y + (room.height - height) / 2, width: width, height: height)
    }
}
