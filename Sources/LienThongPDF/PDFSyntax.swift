import Foundation
import LienThongCrypto

/// Values written into PDF objects by hand.
enum PDFSyntax {
    /// A text string (ISO 32000-2, 7.9.2.2): literal for printable ASCII, otherwise UTF-16BE with its byte order mark,
    /// in hex, so that Vietnamese names read the same in every reader.
    static func text(_ value: String) -> String {
        if value.utf8.allSatisfy({ (0x20...0x7E).contains($0) }) {
            var escaped = ""
            for character in value {
                if "()\\".contains(character) { escaped.append("\\") }
                escaped.append(character)
            }
            return "(\(escaped))"
        }
        let units = [0xFEFF] + Array(value.utf16)
        return "<" + units.map { hex(Int($0), width: 4) }.joined() + ">"
    }

    /// A date (ISO 32000-2, 7.9.4) in Vietnam's time: `D:20261129154500+07'00'`.
    static func date(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7 * 3600)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let digits =
            [(parts.year!, 4), (parts.month!, 2), (parts.day!, 2), (parts.hour!, 2), (parts.minute!, 2)]
            + [(parts.second!, 2)]
        return "(D:" + digits.map { padded($0.0, $0.1) }.joined() + "+07'00')"
    }

    /// A real number as PDF writes it: at most two decimals, no exponent.
    static func number(_ value: Double) -> String {
        // Coordinates come from files: a reader's own limit (ISO 32000-2, C.2: ±32767) keeps the integer in range.
        let bounded = value.isFinite ? min(max(value, -32767), 32767) : 0
        let hundredths = Int((bounded * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let (whole, fraction) = (abs(hundredths) / 100, abs(hundredths) % 100)
        if fraction == 0 { return "\(sign)\(whole)" }
        return "\(sign)\(whole)." + (fraction % 10 == 0 ? "\(fraction / 10)" : padded(fraction, 2))
    }

    /// `data` in upper-case hex, as the bytes of a hex string's body.
    static func hexBytes(_ data: Data) -> [UInt8] {
        let digits = Array("0123456789ABCDEF".utf8)
        var hex = [UInt8](repeating: 0, count: data.count * 2)
        for (index, byte) in data.enumerated() {
            hex[2 * index] = digits[Int(byte >> 4)]
            hex[2 * index + 1] = digits[Int(byte & 0x0F)]
        }
        return hex
    }

    static func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    /// PDF white space and delimiters (ISO 32000-2, 7.2.3), by byte.
    private static let separators: [Bool] = (0...255).map { $0 <= 0x20 || "[]<>()/{}%".utf8.contains(UInt8($0)) }

    /// The indirect references `N G R` in PDF text, with where each is.
    static func references(in text: String) -> [(number: Int, generation: Int, range: Range<String.Index>)] {
        var text = text
        // Offsets first: the String is not touched while its bytes are borrowed.
        let found = text.withUTF8 { scanReferences(UnsafeRawBufferPointer($0)) }
        let utf8 = text.utf8
        return found.map { reference in
            let start = utf8.index(utf8.startIndex, offsetBy: reference.start)
            let end = utf8.index(start, offsetBy: reference.end - reference.start)
            return (reference.number, reference.generation, start..<end)
        }
    }

    /// The object numbers `N G R` references name anywhere in `source`, binary streams included, and where each
    /// ends; a large file's pages are given back as the scan passes them.
    static func references(in source: ByteSource) -> [(number: Int, end: Int)] {
        source.scan { scanReferences($0, readBefore: $1) }.map { ($0.number, $0.end) }
    }

    /// A linear scan of the tokens of `bytes` keeping the last three (a regular expression backtracks for ever on a
    /// megabyte of hex digits), with offsets of each `N G R`; it tells `readBefore` how far it has read.
    private static func scanReferences(
        _ bytes: UnsafeRawBufferPointer, readBefore: (Int) -> Void = { _ in }
    ) -> [(number: Int, generation: Int, start: Int, end: Int)] {
        let separators = Self.separators
        var found: [(number: Int, generation: Int, start: Int, end: Int)] = []
        var last: [(start: Int, end: Int)] = []
        let number = { (token: (start: Int, end: Int)) -> Int? in
            guard (1...10).contains(token.end - token.start) else { return nil }
            var value = 0
            for index in token.start..<token.end {
                guard (0x30...0x39).contains(bytes[index]) else { return nil }
                value = value * 10 + Int(bytes[index] - 0x30)
            }
            return value
        }
        var start = -1
        for index in 0...bytes.count {
            // The last tokens are read again at an `R`: what they span stays.
            if index & 0xFFFFF == 0, index > 0 {
                readBefore(min(start < 0 ? index : start, last.first?.start ?? index))
            }
            let separator = index == bytes.count || separators[Int(bytes[index])]
            if separator {
                guard start >= 0 else { continue }
                let token = (start: start, end: index)
                start = -1
                if token.end - token.start == 1, bytes[token.start] == UInt8(ascii: "R"), last.count == 2,
                    let value = number(last[0]), let generation = number(last[1])
                {
                    found.append((value, generation, last[0].start, token.end))
                }
                last.append(token)
                if last.count > 2 { last.removeFirst() }
            } else if start < 0 {
                start = index
            }
        }
        readBefore(bytes.count)
        return found
    }

    /// The operators of a content stream (ISO 32000-2, 7.8.2), in order, each with the numbers given to it; nil when
    /// it cannot be read to the end (an unterminated string, an inline image, whose data is not PDF syntax) or holds
    /// a dictionary.
    static func operators(in content: Data) -> [(name: String, numbers: [Double])]? {
        let bytes = [UInt8](content)
        let delimiters = Set("()<>[]{}/%".utf8)
        let hexDigits = Set("0123456789abcdefABCDEF".utf8)
        let space: Set<UInt8> = [0x00, 0x09, 0x0A, 0x0C, 0x0D, 0x20]
        var operators: [(name: String, numbers: [Double])] = []
        var numbers: [Double] = []
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if space.contains(byte) || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]") {
                index += 1
            } else if byte == UInt8(ascii: "%") {
                while index < bytes.count, bytes[index] != 0x0A, bytes[index] != 0x0D { index += 1 }
            } else if byte == UInt8(ascii: "(") {
                // A literal string: balanced parentheses, backslash escapes.
                var depth = 0
                repeat {
                    if bytes[index] == UInt8(ascii: "\\") {
                        index += 1
                    } else if bytes[index] == UInt8(ascii: "(") {
                        depth += 1
                    } else if bytes[index] == UInt8(ascii: ")") {
                        depth -= 1
                    }
                    index += 1
                } while depth > 0 && index < bytes.count
                if depth > 0 { return nil }
            } else if byte == UInt8(ascii: "<") {
                // A hex string: hex digits and white space only. A dictionary (`<<`, an inline image's or a marked
                // content's) is refused: what it holds is read differently by different readers.
                guard let end = bytes[index...].firstIndex(of: UInt8(ascii: ">")),
                    bytes[(index + 1)..<end].allSatisfy({ space.contains($0) || hexDigits.contains($0) })
                else { return nil }
                index = end + 1
            } else if byte == UInt8(ascii: ">") || byte == UInt8(ascii: "{") || byte == UInt8(ascii: "}") {
                return nil
            } else {
                let start = index
                index += 1
                while index < bytes.count, !space.contains(bytes[index]), !delimiters.contains(bytes[index]) {
                    index += 1
                }
                let token = String(decoding: bytes[start..<index], as: UTF8.self)
                // Names and numbers are operands; anything else is an operator, with the numbers before it.
                if let number = Double(token) {
                    numbers.append(number)
                } else if byte != UInt8(ascii: "/") {
                    operators.append((token, numbers))
                    numbers = []
                    if token == "BI" { return nil }
                }
            }
        }
        return operators
    }
}
