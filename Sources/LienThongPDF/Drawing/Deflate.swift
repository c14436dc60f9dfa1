import CGraphics
import Foundation

/// zlib's deflate, the `/FlateDecode` every reader reads: fonts and images compressed as PDF writers compress them.
enum Deflate {
    /// nil only when zlib cannot have the memory it needs: the caller stores the bytes as they are.
    static func compress(_ data: Data) -> Data? {
        var size = compressBound(uLong(data.count))
        var output = [UInt8](repeating: 0, count: Int(size))
        let status = data.withUnsafeBytes { input in
            compress2(&output, &size, input.bindMemory(to: Bytef.self).baseAddress, uLong(data.count), 6)
        }
        return status == Z_OK ? Data(output.prefix(Int(size))) : nil
    }
}
