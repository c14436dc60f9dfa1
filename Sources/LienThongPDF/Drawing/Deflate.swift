import CGraphics
import Foundation

/// zlib's deflate, the `/FlateDecode` every reader reads: fonts and images compressed as PDF writers compress them.
enum Deflate {
    static func compress(_ data: Data) -> Data {
        var size = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = data.withUnsafeBytes { input in
            compress2(&output, &size, input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 6)
        }
        // compressBound is the bound: deflate of that much room cannot run out of it.
        precondition(status == Z_OK, "zlib failed with \(status) within its own bound")
        return Data(output.prefix(Int(size)))
    }
}
