import Foundation

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

    static func hex(_ value: Int, width: Int) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
