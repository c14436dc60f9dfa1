import CGraphics
import Foundation

/// A TrueType font to draw text with in a PDF (ISO 32000-2, 9.7: a Type 0 font over a `CIDFontType2`): glyphs
/// looked up and measured with HarfBuzz, the font embedded as a subset of the glyphs drawn, their numbers kept,
/// with a ToUnicode map, so that readers extract and search the text they show (Vietnamese included).
///
/// Text is drawn glyph by glyph from the NFC form, whose Vietnamese letters are precomposed and have glyphs of their
/// own in fonts that cover Vietnamese (Liberation Serif, DejaVu): no shaping is needed.
public final class TrueTypeFont: @unchecked Sendable {
    // HarfBuzz faces and fonts are immutable once made and safe to share between threads.
    private let face: OpaquePointer
    private let font: OpaquePointer
    private let unitsPerEm: Int
    /// The PostScript name, which the embedded subset's name is made from.
    public let postScriptName: String
    /// In thousandths of the font size, as PDF font dictionaries give them.
    let ascent: Int
    let descent: Int
    let capHeight: Int
    let boundingBox: [Int]

    /// - Parameter name: how errors name the font (its path).
    public init(_ data: Data, name: String) throws(PDFError) {
        let blob = data.withUnsafeBytes { bytes in
            hb_blob_create_or_fail(
                bytes.baseAddress?.assumingMemoryBound(to: CChar.self), UInt32(bytes.count), HB_MEMORY_MODE_DUPLICATE,
                nil, nil)
        }
        defer { hb_blob_destroy(blob) }
        guard let blob, hb_face_count(blob) > 0, let face = hb_face_create(blob, 0) else {
            throw PDFError(.unsupported, "\(name) is not a TrueType or OpenType font")
        }
        guard hb_face_get_glyph_count(face) > 1, Self.table(face, "glyf") != nil,
            (Self.table(face, "head")?.count ?? 0) >= 54
        else {
            hb_face_destroy(face)
            throw PDFError(
                .unsupported, "\(name) has no TrueType outlines (glyf); use a .ttf font such as Liberation Serif")
        }
        // Immutable from here on: what makes sharing them between threads safe.
        hb_face_make_immutable(face)
        self.face = face
        font = hb_font_create(face)
        unitsPerEm = Int(hb_face_get_upem(face))
        hb_font_set_scale(font, Int32(unitsPerEm), Int32(unitsPerEm))
        hb_font_make_immutable(font)
        var length: UInt32 = 64
        var buffer = [CChar](repeating: 0, count: 64)
        hb_ot_name_get_utf8(face, hb_ot_name_id_t(HB_OT_NAME_ID_POSTSCRIPT_NAME), nil, &length, &buffer)
        let postScript = String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            .filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        postScriptName = postScript.isEmpty ? "Font" : postScript
        let scale = { (value: Int) in value * 1000 / max(1, Int(hb_face_get_upem(face))) }
        var position: hb_position_t = 0
        hb_ot_metrics_get_position_with_fallback(font, HB_OT_METRICS_TAG_HORIZONTAL_ASCENDER, &position)
        ascent = scale(Int(position))
        hb_ot_metrics_get_position_with_fallback(font, HB_OT_METRICS_TAG_HORIZONTAL_DESCENDER, &position)
        descent = scale(Int(position))
        hb_ot_metrics_get_position_with_fallback(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &position)
        capHeight = scale(Int(position))
        // The head table's xMin, yMin, xMax, yMax: signed 16-bit, big-endian, at byte 36.
        let head = Self.table(face, "head") ?? Data(count: 54)
        boundingBox = (0..<4).map { index in
            let offset = head.startIndex + 36 + 2 * index
            return scale(Int(Int16(bitPattern: UInt16(head[offset]) << 8 | UInt16(head[offset + 1]))))
        }
    }

    public convenience init(contentsOf url: URL) throws(PDFError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw PDFError(.unsupported, "the font \(url.path) cannot be read: \(error.localizedDescription)")
        }
        try self.init(data, name: url.path)
    }

    deinit {
        hb_font_destroy(font)
        hb_face_destroy(face)
    }

    /// The glyph drawn for `scalar`, or the font's missing-glyph box (0).
    func glyph(_ scalar: Unicode.Scalar) -> UInt32 {
        var glyph: hb_codepoint_t = 0
        return hb_font_get_nominal_glyph(font, scalar.value, &glyph) != 0 ? glyph : 0
    }

    /// The glyph's advance in thousandths of the font size.
    func advance(_ glyph: UInt32) -> Int { Int(hb_font_get_glyph_h_advance(font, glyph)) * 1000 / unitsPerEm }

    /// How wide `text` is drawn at `size` points.
    public func width(of text: String, size: Double) -> Double {
        let total = text.precomposedStringWithCanonicalMapping.unicodeScalars.reduce(0) { $0 + advance(glyph($1)) }
        return Double(total) * size / 1000
    }

    /// The font file holding only `glyphs` (and the missing glyph), every glyph keeping its number.
    func subset(_ glyphs: Set<UInt32>) throws(PDFError) -> Data {
        guard let input = hb_subset_input_create_or_fail() else {
            throw PDFError(.unsupported, "HarfBuzz could not make a subset")
        }
        defer { hb_subset_input_destroy(input) }
        let set = hb_subset_input_glyph_set(input)
        for glyph in glyphs.union([0]) { hb_set_add(set, glyph) }
        hb_subset_input_set_flags(
            input, HB_SUBSET_FLAGS_RETAIN_GIDS.rawValue | HB_SUBSET_FLAGS_NO_HINTING.rawValue)
        guard let subset = hb_subset_or_fail(face, input) else {
            throw PDFError(.unsupported, "HarfBuzz could not subset the font \(postScriptName)")
        }
        defer { hb_face_destroy(subset) }
        let blob = hb_face_reference_blob(subset)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let bytes = hb_blob_get_data(blob, &length), length > 0 else {
            throw PDFError(.unsupported, "HarfBuzz made an empty subset of the font \(postScriptName)")
        }
        return Data(bytes: bytes, count: Int(length))
    }

    private static func table(_ face: OpaquePointer, _ tag: String) -> Data? {
        let code = tag.utf8.reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let blob = hb_face_reference_table(face, code)
        defer { hb_blob_destroy(blob) }
        var length: UInt32 = 0
        guard let bytes = hb_blob_get_data(blob, &length), length > 0 else { return nil }
        return Data(bytes: bytes, count: Int(length))
    }
}
