import CGraphics
import Foundation

/// A PNG picture (a signature, a seal) to draw in a PDF: decoded with libpng to 8-bit RGB, its transparency kept as
/// a soft mask, so that a blue signature on a transparent background shows the text under it.
public struct PNGImage: Sendable {
    public let width: Int
    public let height: Int
    private let rgb: Data
    private let alpha: Data?

    /// The largest side accepted: a seal printed at 40 mm needs no more than 1200 pixels at 600 dpi.
    static let largestSide = 4096

    /// - Parameter name: how errors name the image (its path).
    public init(_ png: Data, name: String) throws(PDFError) {
        var image = lt_png_image()
        let opened = png.withUnsafeBytes { png_image_begin_read_from_memory(&image, $0.baseAddress, $0.count) }
        guard opened != 0 else { throw PDFError(.unsupported, "\(name) is not a PNG image: \(Self.message(image))") }
        defer { png_image_free(&image) }
        guard (1...Self.largestSide).contains(Int(image.width)), (1...Self.largestSide).contains(Int(image.height))
        else {
            throw PDFError(
                .unsupported,
                "\(name) is \(image.width)×\(image.height) pixels; at most \(Self.largestSide) a side is accepted")
        }
        image.format = lt_png_format_rgba()
        let (width, height) = (Int(image.width), Int(image.height))
        var pixels = [UInt8](repeating: 0, count: width * height * 4)
        guard png_image_finish_read(&image, nil, &pixels, 0, nil) != 0 else {
            throw PDFError(.unsupported, "\(name) cannot be decoded: \(Self.message(image))")
        }
        var rgb = Data(capacity: width * height * 3)
        var alpha = Data(capacity: width * height)
        for pixel in stride(from: 0, to: pixels.count, by: 4) {
            rgb.append(contentsOf: pixels[pixel..<pixel + 3])
            alpha.append(pixels[pixel + 3])
        }
        self.width = width
        self.height = height
        self.rgb = rgb
        self.alpha = alpha.allSatisfy { $0 == 255 } ? nil : alpha
    }

    /// A PNG of `rgba` (8 bits a channel, rows top to bottom): how the demo makes its signature and seal images.
    public static func encode(rgba: [UInt8], width: Int, height: Int) -> Data {
        var image = lt_png_image()
        image.width = UInt32(width)
        image.height = UInt32(height)
        image.format = lt_png_format_rgba()
        var size = 0
        png_image_write_to_memory(&image, nil, &size, 0, rgba, 0, nil)
        var output = [UInt8](repeating: 0, count: size)
        png_image_write_to_memory(&image, &output, &size, 0, rgba, 0, nil)
        return Data(output.prefix(size))
    }

    /// The image XObject (and its soft mask) as new objects of the revision.
    func write(into update: inout IncrementalUpdate, file: QPDFFile) -> ObjectReference {
        let common = "/Type /XObject /Subtype /Image /Width \(width) /Height \(height) /BitsPerComponent 8"
        var mask = ""
        if let alpha {
            let reference = update.addNewStream(alpha, entries: "\(common) /ColorSpace /DeviceGray", in: file)
            mask = " /SMask \(reference)"
        }
        return update.addNewStream(rgb, entries: "\(common) /ColorSpace /DeviceRGB\(mask)", in: file)
    }

    private static func message(_ image: png_image) -> String {
        withUnsafeBytes(of: image.message) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
