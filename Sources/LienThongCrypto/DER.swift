import COpenSSL
import Foundation

/// Just enough DER to write and read the CAdES RevocationValues structure, which OpenSSL has no
/// type for: tag-length-value, definite lengths only.
enum DER {
    static func encode(tag: UInt8, _ content: Data) -> Data {
        var out = Data(capacity: content.count + 6)
        out.append(contentsOf: header(tag: tag, length: content.count))
        out.append(content)
        return out
    }

    /// The tag and definite length that open an element of `length` content bytes.
    static func header(tag: UInt8, length: Int) -> [UInt8] {
        guard length >= 0x80 else { return [tag, UInt8(length)] }
        let bytes = withUnsafeBytes(of: UInt32(length).bigEndian, Array.init).drop { $0 == 0 }
        return [tag, 0x80 | UInt8(bytes.count)] + bytes
    }

    /// How many bytes `header(tag:length:)` writes for `length`.
    static func headerLength(_ length: Int) -> Int {
        length < 0x80 ? 2 : length < 0x100 ? 3 : length < 0x10000 ? 4 : length < 0x1000000 ? 5 : 6
    }

    /// The elements one after another, in one allocation.
    static func concatenate(_ elements: [Data]) -> Data {
        var out = Data(capacity: elements.reduce(0) { $0 + $1.count })
        for element in elements { out.append(element) }
        return out
    }

    /// An element found by `scan`: offsets into the buffer it was scanned in.
    struct Span {
        let tag: UInt8
        let whole: Range<Int>
        let content: Range<Int>
    }

    /// The elements directly inside `range` of `bytes`, without copying anything; with `limit`,
    /// only the first ones, whatever follows them.
    static func scan(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, limit: Int = .max) -> [Span]? {
        var spans: [Span] = []
        let whole = forEach(bytes, range) { span in
            spans.append(span)
            return spans.count < limit
        }
        return whole || spans.count == limit ? spans : nil
    }

    /// Calls `body` with each element directly inside `range`, in order, allocating nothing. False
    /// when the bytes are not whole definite-length elements, or when `body` returned false to stop.
    static func forEach(_ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, _ body: (Span) -> Bool) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            guard range.upperBound - index >= 2 else { return false }
            let tag = bytes[index]
            var length = Int(bytes[index + 1])
            var header = 2
            if length & 0x80 != 0 {
                let size = length & 0x7F
                guard size >= 1, size <= 4, range.upperBound - index >= 2 + size else { return false }
                length = (0..<size).reduce(0) { $0 << 8 | Int(bytes[index + 2 + $1]) }
                header += size
            }
            guard range.upperBound - index - header >= length else { return false }
            let end = index + header + length
            guard body(Span(tag: tag, whole: index..<end, content: (index + header)..<end)) else { return false }
            index = end
        }
        return true
    }

    /// The elements directly inside `data`, as (tag, whole element, content).
    static func elements(_ data: Data) -> [(tag: UInt8, element: Data, content: Data)]? {
        let base = data.startIndex
        return data.withUnsafeBytes { scan($0, 0..<$0.count) }?.map { span in
            (
                span.tag, data[(base + span.whole.lowerBound)..<(base + span.whole.upperBound)],
                data[(base + span.content.lowerBound)..<(base + span.content.upperBound)]
            )
        }
    }
}

extension DER {
    static func sequence(_ elements: Data...) -> Data { encode(tag: 0x30, concatenate(elements)) }

    /// A SET OF in DER: its elements sorted by their encodings (X.690 11.6).
    static func set(_ elements: [Data], tag: UInt8 = 0x31) -> Data {
        encode(
            tag: tag, concatenate(elements.count < 2 ? elements : elements.sorted { $0.lexicographicallyPrecedes($1) }))
    }

    static func octetString(_ bytes: some Sequence<UInt8>) -> Data { encode(tag: 0x04, Data(bytes)) }

    static func integer(_ value: UInt8) -> Data { Data([0x02, 0x01, value]) }

    /// The encoding of a dotted object identifier, as OpenSSL writes it.
    static func objectIdentifier(_ dotted: String) -> Data {
        guard let object = OBJ_txt2obj(dotted, 1) else { preconditionFailure("\(dotted) is not an OID") }
        defer { ASN1_OBJECT_free(object) }
        var buffer: UnsafeMutablePointer<UInt8>?
        let length = i2d_ASN1_OBJECT(object, &buffer)
        guard length > 0, let buffer else { preconditionFailure("cannot encode \(dotted)") }
        defer { shim_OPENSSL_free(buffer) }
        return Data(bytes: buffer, count: Int(length))
    }

    /// UTCTime (YYMMDDHHMMSSZ), which CMS requires for signing-time from 1950 to 2049.
    static func utcTime(_ date: Date) -> Data {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        let fields = [parts.tm_year % 100, parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec]
        let text = fields.map { $0 < 10 ? "0\($0)" : String($0) }.joined() + "Z"
        return encode(tag: 0x17, Data(text.utf8))
    }
}

extension DER {
    /// Whether the elements in `range` are canonical DER: minimal lengths, definite, the elements
    /// of every SET sorted (X.690 11.6), all the way down. What a signature covers must be read as
    /// it was signed; a lenient parser re-encoding a variant would let changed bytes pass.
    /// Nesting deeper than this is refused, as OpenSSL's ASN.1 parser does: a few hundred
    /// kilobytes of nested SEQUENCEs would otherwise exhaust the stack.
    static let maximumDepth = 32

    static func isCanonical(
        _ bytes: UnsafeRawBufferPointer, _ range: Range<Int>, sorted: Bool = false, depth: Int = 0
    ) -> Bool {
        guard depth < maximumDepth else { return false }
        var previous: Range<Int>?
        return forEach(bytes, range) { element in
            let header = element.content.lowerBound - element.whole.lowerBound
            let length = element.content.count
            let minimalHeader =
                1 + (length < 0x80 ? 1 : 1 + (length < 0x100 ? 1 : length < 0x10000 ? 2 : length < 0x1000000 ? 3 : 4))
            // SEQUENCE and SET are always constructed; a high tag number is not used in CMS.
            guard header == minimalHeader, element.tag & 0x1F != 0x1F, element.tag != 0x10, element.tag != 0x11 else {
                return false
            }
            if sorted, let previous,
                !bytes[previous].lexicographicallyPrecedes(bytes[element.whole])
                    && !bytes[previous].elementsEqual(bytes[element.whole])
            {
                return false
            }
            if element.tag & 0x20 != 0,
                !isCanonical(bytes, element.content, sorted: element.tag == 0x31, depth: depth + 1)
            {
                return false
            }
            previous = element.whole
            return true
        }
    }
}
