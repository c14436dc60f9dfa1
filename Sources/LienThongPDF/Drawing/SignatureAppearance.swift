import Foundation

/// Where a visible signature goes and what it shows: a page, a rectangle on it, and images and text drawn in that
/// rectangle's own coordinates (its lower-left corner at 0, 0).
public struct SignatureAppearance: Sendable {
    public enum Page: Sendable, Equatable {
        case first
        case last
    }

    public enum Item: Sendable {
        case image(PNGImage, PDFRect)
        case text(String, x: Double, baseline: Double, size: Double, color: PDFColor)
    }

    /// What `rect`'s `x` and `y` measure from.
    public enum Anchor: Sendable {
        /// The page's lower-left corner to the rectangle's: PDF's own coordinates.
        case bottomLeft
        /// The page's top-right corner to the rectangle's, inwards: the same place on any page size.
        case topRight
    }

    public var page: Page
    public var rect: PDFRect
    public var anchor: Anchor
    public var items: [Item]
    /// The font of every text item; needed when there is one.
    public var font: TrueTypeFont?

    public init(page: Page, rect: PDFRect, anchor: Anchor = .bottomLeft, items: [Item], font: TrueTypeFont?) {
        self.page = page
        self.rect = rect
        self.anchor = anchor
        self.items = items
        self.font = font
    }

    /// The rectangle on a page whose crop box (or media box) is `box`.
    func placed(on box: PDFRect) -> PDFRect {
        switch anchor {
        case .bottomLeft: return rect
        case .topRight:
            return PDFRect(
                x: box.x + box.width - rect.x - rect.width, y: box.y + box.height - rect.y - rect.height,
                width: rect.width, height: rect.height)
        }
    }

    /// The appearance stream, with its font and images, as new objects of the revision.
    func write(into update: inout IncrementalUpdate, file: QPDFFile) throws(PDFError) -> ObjectReference {
        var stream = AppearanceStream(width: rect.width, height: rect.height)
        for item in items {
            switch item {
            case .image(let image, let rect):
                stream.draw(image, in: rect)
            case .text(let text, let x, let baseline, let size, let color):
                guard let font else { throw PDFError(.unsupported, "a signature's text needs a font; none is set") }
                stream.text(text, x: x, baseline: baseline, size: size, font: font, color: color)
            }
        }
        return try stream.write(into: &update, file: file)
    }
}
