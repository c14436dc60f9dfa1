/// What `JSONDecoder` lets through or cannot name, read from a request body before it decodes it.
///
/// - A key twice in one object: parsers disagree on which value counts (JSONDecoder keeps the
///   last), so a proxy, a log or a signature could see one and the registry the other. Refused.
///   Keys compare as Swift strings do, after their escapes: `"\u0061"` and `"a"`, or an NFD and
///   an NFC spelling, are the same key to the decoder and so to this check.
/// - Numbers that are not whole numbers within 64 bits (`2.5`, `1e20`): JSONDecoder refuses them
///   for an integer field without saying which field; this says where they are.
/// - Where the text stops being JSON, by byte offset, and nesting deeper than any request needs.
public struct JSONShape: Sendable {
    /// A number that is not a whole number within 64 bits, and where it lies (`recipients[2].days`).
    public struct Fraction: Sendable, Equatable {
        public let path: String
        public let literal: String
    }

    /// Why a body is refused before decoding, for a clerk or a script author.
    public struct Violation: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public private(set) var fractions: [Fraction] = []

    /// Deeper than this is refused: no request has more than four levels.
    public static let maximumDepth = 32

    /// Reads `bytes` as one JSON value, refusing duplicate keys and text that is not JSON.
    public init(_ bytes: UnsafeRawBufferPointer) throws(Violation) {
        var reader = Reader(bytes: bytes)
        reader.skipSpace()
        try reader.value(depth: 0)
        reader.skipSpace()
        guard reader.offset == bytes.count else { throw reader.failure("more text after the JSON value") }
        fractions = reader.fractions
    }

    /// The first few numbers that are not whole, as a clause: "`days` is 2.5".
    public var fractionsText: String? {
        fractions.isEmpty
            ? nil
            : fractions.prefix(3).map { "\($0.path.isEmpty ? "the body" : $0.path) is \($0.literal)" }
                .joined(separator: ", ")
    }

    /// How many numbers that are not whole are kept: a message names the first three.
    public static let fractionsKept = 3

    /// One step of a path: a key, or a list index.
    private enum Step {
        case key(String)
        case index(Int)
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        var fractions: [Fraction] = []
        /// Where the value being read lies, as steps: made into text only for a message, as a
        /// path copied at every value would cost the square of a hostile body's size.
        var path: [Step] = []

        /// The path as a message says it, long keys cut short.
        var pathText: String {
            path.reduce(into: "") { text, step in
                switch step {
                case .key(let key):
                    let shown = key.count > 64 ? key.prefix(64) + "…" : Substring(key)
                    text += text.isEmpty ? String(shown) : ".\(shown)"
                case .index(let index): text += "[\(index)]"
                }
            }
        }

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        func failure(_ what: String) -> Violation {
            Violation(description: "the body is not valid JSON at byte \(offset): \(what)")
        }

        var current: UInt8? { offset < bytes.count ? bytes[offset] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { offset += 1 }
        }

        mutating func expect(_ literal: String) throws(Violation) {
            let expected = Array(literal.utf8)
            guard offset + expected.count <= bytes.count,
                bytes[offset..<offset + expected.count].elementsEqual(expected)
            else { throw failure("expected \(literal)") }
            offset += expected.count
        }

        mutating func value(depth: Int) throws(Violation) {
            guard depth <= JSONShape.maximumDepth else {
                throw Violation(description: "the JSON body nests deeper than \(JSONShape.maximumDepth) levels")
            }
            switch current {
            case UInt8(ascii: "{")?: try object(depth: depth)
            case UInt8(ascii: "[")?: try array(depth: depth)
            case UInt8(ascii: "\"")?: _ = try string(keeping: false)
            case UInt8(ascii: "t")?: try expect("true")
            case UInt8(ascii: "f")?: try expect("false")
            case UInt8(ascii: "n")?: try expect("null")
            case let byte? where byte == UInt8(ascii: "-") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte):
                try number()
            case nil: throw failure("the text ends where a value should be")
            default: throw failure("a value cannot start with this character")
            }
        }

        mutating func object(depth: Int) throws(Violation) {
            var keys: Set<String> = []
            try elements(closing: UInt8(ascii: "}"), in: "an object") { reader, _ throws(Violation) in
                guard reader.current == UInt8(ascii: "\"") else { throw reader.failure("expected a key in quotes") }
                let key = try reader.string(keeping: true) ?? ""
                reader.path.append(.key(key))
                defer { reader.path.removeLast() }
                guard keys.insert(key).inserted else {
                    throw Violation(
                        description: "the key \(reader.pathText) appears twice in one object; send each field once")
                }
                reader.skipSpace()
                guard reader.current == UInt8(ascii: ":") else { throw reader.failure("expected : after a key") }
                reader.offset += 1
                reader.skipSpace()
                try reader.value(depth: depth + 1)
            }
        }

        mutating func array(depth: Int) throws(Violation) {
            try elements(closing: UInt8(ascii: "]"), in: "a list") { reader, index throws(Violation) in
                reader.path.append(.index(index))
                defer { reader.path.removeLast() }
                try reader.value(depth: depth + 1)
            }
        }

        /// The members of an object or a list, from its opening bracket to `closing`, each read by `element`.
        mutating func elements(
            closing: UInt8, in what: String, _ element: (inout Reader, Int) throws(Violation) -> Void
        ) throws(Violation) {
            offset += 1
            skipSpace()
            if current == closing {
                offset += 1
                return
            }
            var index = 0
            while true {
                try element(&self, index)
                index += 1
                skipSpace()
                switch current {
                case UInt8(ascii: ",")?:
                    offset += 1
                    skipSpace()
                case closing?:
                    offset += 1
                    return
                default: throw failure("expected , or \(Character(Unicode.Scalar(closing))) in \(what)")
                }
            }
        }

        /// A string's value with its escapes read, when `keeping` (a key); a value is only walked
        /// over: a signature sent for verification is megabytes of base64, not worth a copy.
        mutating func string(keeping: Bool) throws(Violation) -> String? {
            offset += 1
            var decoded: [UInt8] = []
            var start = offset
            while true {
                guard let byte = current else { throw failure("a string is not closed") }
                switch byte {
                case UInt8(ascii: "\""):
                    offset += 1
                    guard keeping else { return nil }
                    decoded += bytes[start..<offset - 1]
                    // Strings are UTF-8 (RFC 8259 §8.1); the decoder checks the values.
                    guard let text = String(validating: decoded, as: UTF8.self) else {
                        throw failure("a key is not UTF-8")
                    }
                    return text
                case UInt8(ascii: "\\"):
                    if keeping { decoded += bytes[start..<offset] }
                    try escape(into: &decoded)
                    start = offset
                case 0..<0x20:
                    throw failure("a control character must be escaped in a string")
                default:
                    offset += 1
                }
            }
        }

        mutating func escape(into decoded: inout [UInt8]) throws(Violation) {
            offset += 1
            guard let byte = current else { throw failure("a string is not closed") }
            offset += 1
            let simple: [UInt8: UInt8] = [
                UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F, UInt8(ascii: "b"): 0x08,
                UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09,
            ]
            if let replacement = simple[byte] {
                decoded.append(replacement)
                return
            }
            guard byte == UInt8(ascii: "u") else { throw failure("an unknown escape in a string") }
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar) {
                guard offset + 1 < bytes.count, bytes[offset] == UInt8(ascii: "\\"),
                    bytes[offset + 1] == UInt8(ascii: "u")
                else { throw failure("a lone surrogate escape in a string") }
                offset += 2
                let low = try hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw failure("a lone surrogate escape in a string") }
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            guard let unicode = Unicode.Scalar(scalar) else { throw failure("a lone surrogate escape in a string") }
            decoded += Array(String(Character(unicode)).utf8)
        }

        mutating func hex4() throws(Violation) -> UInt32 {
            let isHex = { (byte: UInt8) in
                (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                    || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                    || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
            }
            guard offset + 4 <= bytes.count, bytes[offset..<offset + 4].allSatisfy(isHex),
                let value = UInt32(String(decoding: bytes[offset..<offset + 4], as: UTF8.self), radix: 16)
            else { throw failure("\\u must be followed by four hexadecimal digits") }
            offset += 4
            return value
        }

        mutating func number() throws(Violation) {
            let start = offset
            let isDigit = { (byte: UInt8?) in byte.map { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) } ?? false
            }
            if current == UInt8(ascii: "-") { offset += 1 }
            guard isDigit(current) else { throw failure("a number needs digits") }
            if current == UInt8(ascii: "0") {
                offset += 1
                guard !isDigit(current) else { throw failure("a number cannot start with 0") }
            } else {
                while isDigit(current) { offset += 1 }
            }
            var whole = true
            if current == UInt8(ascii: ".") {
                offset += 1
                guard isDigit(current) else { throw failure("a decimal point needs digits after it") }
                while isDigit(current) { offset += 1 }
                whole = false
            }
            if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
                offset += 1
                if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { offset += 1 }
                guard isDigit(current) else { throw failure("an exponent needs digits") }
                while isDigit(current) { offset += 1 }
                whole = false
            }
            guard fractions.count < JSONShape.fractionsKept else { return }
            let literal = String(decoding: bytes[start..<offset], as: UTF8.self)
            if !whole || Int64(literal) == nil {
                fractions.append(
                    Fraction(path: pathText, literal: literal.count > 40 ? literal.prefix(40) + "…" : literal))
            }
        }
    }
}
