import Foundation
import LienThongCrypto

/// A rectangle on a page, in points from the page's lower-left corner (PDF's default user space).
public struct PDFRect: Sendable, Equatable, Codable {
    public var x: Double
    public var y: Double
    public var width: Double
    public var height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    var pdf: String {
        "[\(PDFSyntax.number(x)) \(PDFSyntax.number(y)) \(PDFSyntax.number(x + width)) "
            + "\(PDFSyntax.number(y + height))]"
    }
}

/// An RGB colour, each part 0 to 1.
public struct PDFColor: Sendable, Equatable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    public static let black = PDFColor(red: 0, green: 0, blue: 0)
    /// The red of seals, and the blue of the ink signatures are made in.
    public static let sealRed = PDFColor(red: 0.85, green: 0.1, blue: 0.1)
    public static let inkBlue = PDFColor(red: 0.05, green: 0.15, blue: 0.6)
}

/// What a signature field or a filled text field shows (ISO 32000-2, 12.5.5): a form XObject `width` by `height`
/// points, drawn with images and with text in one embedded font.
struct AppearanceStream {
    let width: Double
    let height: Double
    private var operators: [String] = []
    private var font: TrueTypeFont?
    /// Each glyph drawn and the text it stands for: the font's ToUnicode map.
    private var glyphs: [UInt32: String] = [:]
    private var images: [PNGImage] = []

    init(width: Double, height: Double) {
        self.width = width
        self.height = height
    }

    /// Draws `image` scaled into `rect` (in the appearance's own coordinates).
    mutating func draw(_ image: PNGImage, in rect: PDFRect) {
        operators.append(
            "q \(PDFSyntax.number(rect.width)) 0 0 \(PDFSyntax.number(rect.height)) \(PDFSyntax.number(rect.x)) "
                + "\(PDFSyntax.number(rect.y)) cm /Im\(images.count) Do Q")
        images.append(image)
    }

    /// Draws `text` from (`x`, `baseline`); one font serves a whole appearance.
    mutating func text(
        _ text: String, x: Double, baseline: Double, size: Double, font: TrueTypeFont, color: PDFColor = .black
    ) {
        precondition(self.font.map { $0 === font } ?? true, "one font per appearance")
        self.font = font
        var hex = ""
        for scalar in text.precomposedStringWithCanonicalMapping.unicodeScalars {
            let glyph = font.glyph(scalar)
            if glyph != 0, glyphs[glyph] == nil { glyphs[glyph] = String(scalar) }
            hex += PDFSyntax.hex(Int(glyph), width: 4)
        }
        operators.append(
            "BT /F0 \(PDFSyntax.number(size)) Tf \(PDFSyntax.number(color.red)) \(PDFSyntax.number(color.green)) "
                + "\(PDFSyntax.number(color.blue)) rg 1 0 0 1 \(PDFSyntax.number(x)) \(PDFSyntax.number(baseline)) "
                + "Tm <\(hex)> Tj ET")
    }

    /// The form XObject, its font and images as new objects of the revision.
    func write(into update: inout IncrementalUpdate, file: QPDFFile) throws(PDFError) -> ObjectReference {
        var resources = ""
        if let font {
            resources += "/Font << /F0 \(try font.write(glyphs, into: &update, file: file)) >> "
        }
        if !images.isEmpty {
            let names = images.enumerated().map { "/Im\($0.offset) \($0.element.write(into: &update, file: file))" }
            resources += "/XObject << \(names.joined(separator: " ")) >> "
        }
        return update.addNewStream(
            Data(operators.joined(separator: "\n").utf8),
            entries: "/Type /XObject /Subtype /Form /BBox [0 0 \(PDFSyntax.number(width)) "
                + "\(PDFSyntax.number(height))] /Resources << \(resources)>>", in: file)
    }
}

extension TrueTypeFont {
    /// The Type 0 font drawing `glyphs` (each with the text it stands for), embedded as a subset, as new objects.
    fileprivate func write(
        _ glyphs: [UInt32: String], into update: inout IncrementalUpdate, file: QPDFFile
    ) throws(PDFError) -> ObjectReference {
        let used = glyphs.keys.sorted()
        // A subset's name starts with six capital letters that differ with the glyphs it holds (ISO 32000-2, 9.6.4).
        let tag = String(
            Digest.sha256(Data((postScriptName + used.map(String.init).joined(separator: ",")).utf8)).prefix(6)
                .map { Character(Unicode.Scalar(0x41 + $0.asciiValue! % 26)) })
        let name = "/\(tag)+\(postScriptName)"
        let program = try subset(Set(used))
        let fontFile = update.addNewStream(program, entries: "/Length1 \(program.count)", in: file)
        let box = boundingBox.map(String.init).joined(separator: " ")
        let descriptor = update.addNew(
            "<< /Type /FontDescriptor /FontName \(name) /Flags 4 /FontBBox [\(box)] "
                + "/ItalicAngle 0 /Ascent \(ascent) /Descent \(descent) /CapHeight \(capHeight) /StemV 80 "
                + "/FontFile2 \(fontFile) >>", in: file)
        let widths = used.map { "\($0) [\(advance($0))]" }.joined(separator: " ")
        let cidFont = update.addNew(
            "<< /Type /Font /Subtype /CIDFontType2 /BaseFont \(name) /CIDSystemInfo << /Registry (Adobe) "
                + "/Ordering (Identity) /Supplement 0 >> /FontDescriptor \(descriptor) /DW 1000 /W [\(widths)] "
                + "/CIDToGIDMap /Identity >>", in: file)
        let toUnicode = update.addNewStream(Self.toUnicode(glyphs), in: file)
        return update.addNew(
            "<< /Type /Font /Subtype /Type0 /BaseFont \(name) /Encoding /Identity-H /DescendantFonts [\(cidFont)] "
                + "/ToUnicode \(toUnicode) >>", in: file)
    }

    /// The CMap from each glyph to its text in UTF-16BE (ISO 32000-2, 9.10.3), at most 100 entries a block.
    private static func toUnicode(_ glyphs: [UInt32: String]) -> Data {
        var cmap = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        let entries = glyphs.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: entries.count, by: 100) {
            let block = entries[start..<min(start + 100, entries.count)]
            cmap += "\(block.count) beginbfchar\n"
            for (glyph, text) in block {
                let units = text.utf16.map { PDFSyntax.hex(Int($0), width: 4) }.joined()
                cmap += "<\(PDFSyntax.hex(Int(glyph), width: 4))> <\(units)>\n"
            }
            cmap += "endbfchar\n"
        }
        cmap += "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n"
        return Data(cmap.utf8)
    }
}
