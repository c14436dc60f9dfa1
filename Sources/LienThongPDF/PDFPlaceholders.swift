import Foundation
import LienThongCrypto

/// The number and date placeholders (ISO 32000-2, 12.7.5.3 text fields) a document carries before it is issued:
/// empty when the competent person signs, filled by the clerk's issuance in a revision of their own, which a
/// verifier allows (``ModificationAnalysis``) because the signer saw the space they fill and nothing else changes.
public struct PDFPlaceholders: Sendable {
    /// The number and symbol's field and the date's: the VGCA tools' names, so that a template drafted for them is
    /// filled as it is. No other field may be filled after a signature.
    public static let number = "SoKyHieu"
    public static let date = "NgayBanHanh"
    /// A placeholder holds a line of text: a taller or wider one could be filled to cover what the signer read.
    static let tallest = 36.0
    static let widest = 320.0

    /// A field's name and where it is.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var page: SignatureAppearance.Page
        public var rect: PDFRect

        public init(name: String, page: SignatureAppearance.Page = .first, rect: PDFRect) {
            self.name = name
            self.page = page
            self.rect = rect
        }
    }

    public init() {}

    /// Appends to `pdf` the `fields` it lacks, empty and read-only, in a new revision; nothing when it has them all
    /// (a template drafted with them).
    public func adding(_ fields: [Field], to pdf: inout SignedPDF) throws {
        let file = try QPDFFile(pdf.bytes, name: "the PDF")
        guard file.pageCount > 0 else { throw PDFError(.unsupported, "the PDF has no page") }
        let existing = Set(textFields(of: file).map(\.name))
        // A field of a placeholder's name that is not one would be shown beside the one added, and never filled.
        let named = file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))).map {
            file.text(file.key("/T", of: $0))
        }
        for field in fields {
            guard (1...Self.widest).contains(field.rect.width), (1...Self.tallest).contains(field.rect.height) else {
                throw PDFError(
                    .unsupported,
                    "the placeholder \(field.name) must be a line high (at most \(Int(Self.tallest)) points)")
            }
            if named.contains(field.name), !existing.contains(field.name) {
                throw PDFError(
                    .unsupported,
                    "the PDF's field \(field.name) is not a placeholder LienThong fills (a blank text field of its "
                        + "own, at most \(Int(Self.tallest)) points high): correct the template")
            }
        }
        let missing = fields.filter { !existing.contains($0.name) }
        guard !missing.isEmpty else { return }
        var update = try IncrementalUpdate(appendingTo: file)
        let root = file.root
        var form = file.key("/AcroForm", of: root)
        if !file.isDictionary(form) {
            form = file.newDictionary()
            file.set("/AcroForm", form, in: root)
        }
        var fieldArray = file.key("/Fields", of: form)
        if !file.isArray(fieldArray) {
            fieldArray = file.newArray()
            file.set("/Fields", fieldArray, in: form)
        }
        var changed: [QPDFFile.Handle] = [file.isIndirect(form) ? form : root]
        if file.isIndirect(fieldArray) { changed.append(fieldArray) }
        for field in missing {
            let page = file.page(field.page == .last ? file.pageCount - 1 : 0)
            let widget = file.reserveObject()
            // Read-only (/Ff 1): a reader offers no one to type into it; printed (/F 4).
            update.add(
                file.reference(widget),
                Data(
                    ("<< /Type /Annot /Subtype /Widget /FT /Tx /Ff 1 /F 4 /T \(PDFSyntax.text(field.name)) "
                        + "/Rect \(field.rect.pdf) /P \(file.reference(page)) >>").utf8))
            file.append(widget, to: fieldArray)
            changed.append(file.annotate(page, with: widget))
        }
        try file.check("the pages and the form")
        for handle in changed { update.add(file.reference(handle), Data(file.unparseObject(handle).utf8)) }
        try pdf.append(update.write().tail, "number and date placeholders")
    }

    /// Whether `pdf` has a placeholder of each name.
    public func has(_ names: [String], in pdf: ByteSource) throws -> Bool {
        let found = Set(textFields(of: try QPDFFile(pdf, name: "the PDF")).map(\.name))
        return names.allSatisfy(found.contains)
    }

    /// Appends to `pdf` a revision with each named field filled with its text, drawn in `font` at up to `size`
    /// points. A field that is missing, not a text field, or already filled is refused: issuance fills blanks only.
    public func filling(
        _ values: [(field: String, text: String)], in pdf: inout SignedPDF, font: TrueTypeFont, size: Double = 13
    ) throws {
        let file = try QPDFFile(pdf.bytes, name: "the PDF")
        var update = try IncrementalUpdate(appendingTo: file)
        let fields = textFields(of: file)
        for (name, text) in values {
            guard let field = fields.first(where: { $0.name == name }) else {
                throw PDFError(
                    .unsupported,
                    "the PDF has no placeholder \(name) to fill (a text field of its own, at most \(Int(Self.tallest)) "
                        + "points high)")
            }
            guard file.text(file.key("/V", of: field.handle)).isEmpty else {
                throw PDFError(.unsupported, "the field \(name) is filled already; issuance fills blank fields only")
            }
            let rect = Self.fieldRect(field.handle, in: file)
            let fitted = min(size, rect.height * 0.8, rect.width / max(1, font.width(of: text, size: 1)))
            var appearance = AppearanceStream(width: rect.width, height: rect.height)
            appearance.text(
                text, x: 1, baseline: (rect.height - fitted * 0.7) / 2, size: fitted, font: font)
            let stream = try appearance.write(into: &update, file: file)
            file.set("/V", file.parse(PDFSyntax.text(text)), in: field.handle)
            let appearances = file.newDictionary()
            file.set("/N", file.object(stream), in: appearances)
            file.set("/AP", appearances, in: field.handle)
            update.add(file.reference(field.handle), Data(file.unparseObject(field.handle).utf8))
        }
        try file.check("the form's fields")
        try pdf.append(update.write().tail, "number and date")
    }

    /// The form's placeholders (``isPlaceholder(_:in:)``), by name.
    private func textFields(of file: QPDFFile) -> [(name: String, handle: QPDFFile.Handle)] {
        file.items(of: file.key("/Fields", of: file.key("/AcroForm", of: file.root))).compactMap { field in
            guard file.isIndirect(field), Self.isPlaceholder(field, in: file) else { return nil }
            return (file.text(file.key("/T", of: field)), field)
        }
    }

    /// A number or date placeholder: a text field that is its own widget, named as one, no taller than a line, with
    /// no kids and no action. The one shape issuance fills, and the one a verifier lets a later revision fill.
    /// Printed, nothing else (ISO 32000-2, 12.5.3): NoRotate or NoZoom would draw the appearance about the
    /// rectangle's corner, over page the field never covered.
    static func isPlaceholder(_ handle: QPDFFile.Handle, in file: QPDFFile) -> Bool {
        guard file.isDictionary(handle), file.isName(file.key("/FT", of: handle), "/Tx"),
            file.isName(file.key("/Subtype", of: handle), "/Widget"),
            [number, date].contains(file.text(file.key("/T", of: handle))),
            !["/Kids", "/A", "/AA", "/Parent"].contains(where: { file.has($0, handle) }),
            [nil, 4].contains(file.integer(file.key("/F", of: handle)))
        else { return false }
        let rect = fieldRect(handle, in: file)
        return (1...widest).contains(rect.width) && (1...tallest).contains(rect.height)
    }

    private static func fieldRect(_ field: QPDFFile.Handle, in file: QPDFFile) -> PDFRect {
        file.rectangle(file.key("/Rect", of: field)) ?? PDFRect(x: 0, y: 0, width: 0, height: 0)
    }
}
