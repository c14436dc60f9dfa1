import Foundation

/// Just enough DER to write and read the CAdES RevocationValues structure, which OpenSSL has no
/// type for: tag-length-value, definite lengths only.
enum DER {
    static func encode(tag: UInt8, _ content: Data) -> Data {
        var out = Data([tag])
        let count = content.count
        if count < 0x80 {
            out.append(UInt8(count))
        } else {
            let bytes = withUnsafeBytes(of: UInt32(count).bigEndian, Array.init).drop { $0 == 0 }
            out.append(0x80 | UInt8(bytes.count))
            out.append(contentsOf: bytes)
        }
        return out + content
    }

    /// An element found by `scan`: offsets into the buffer it was scanned in.
    struct Span {
        let tag: UInt8
        let whole: Range<Int>
        let content: Range<Int>
    }

    /// The elements directly inside `range` of `bytes`, without copying anything.
    static func scan(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>) -> [Span]? {
        var spans: [Span] = []
        var index = range.lowerBound
        while index < range.upperBound {
            guard range.upperBound - index >= 2 else { return nil }
            let tag = bytes[index]
            var length = Int(bytes[index + 1])
            var header = 2
            if length & 0x80 != 0 {
                let size = length & 0x7F
                guard size >= 1, size <= 4, range.upperBound - index >= 2 + size else { return nil }
                length = (0..<size).reduce(0) { $0 << 8 | Int(bytes[index + 2 + $1]) }
                header += size
            }
            guard range.upperBound - index - header >= length else { return nil }
            let end = index + header + length
            spans.append(Span(tag: tag, whole: index..<end, content: (index + header)..<end))
            index = end
        }
        return spans
    }

    /// The elements directly inside `data`, as (tag, whole element, content).
    static func elements(_ data: Data) -> [(tag: UInt8, element: Data, content: Data)]? {
        let base = data.startIndex
        return data.withUnsafeBytes { scan($0, 0..<$0.count) }?.map { span in
            (span.tag, data[(base + span.whole.lowerBound)..<(base + span.whole.upperBound)],
             data[(base + span.content.lowerBound)..<(base + span.content.upperBound)])
        }
    }
}
