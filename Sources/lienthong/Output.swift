import Foundation
import LienThongAPI
import LienThongDomain

enum Output {
    /// A table with a header row, columns padded by characters (Vietnamese in NFC counts right).
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let all = [header] + rows
        let widths = header.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
        return all.map { row in
            row.enumerated().map { index, cell in
                index == row.count - 1 ? cell : cell.padding(toLength: widths[index], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func time(_ date: Date) -> String { VietnamTime.iso8601(date) }

    static func printJSON(_ value: some Encodable) throws {
        print(String(decoding: try APIJSON.prettyEncoder.encode(value), as: UTF8.self))
    }

    /// One line on stderr: what a person needs to fix it.
    static func fail(_ message: String) {
        FileHandle.standardError.write(Data("lienthong: \(message)\n".utf8))
    }

    /// "replaces 12/QĐ-UBND (id)", one line per link.
    static func printLinks(_ links: [DocumentLink]) {
        let words = [
            "replaces": "replaces", "replaced-by": "replaced by", "in-reply-to": "in reply to",
            "answered-by": "answered by",
        ]
        for link in links {
            print(
                "  \(words[link.relation] ?? link.relation) \(link.numberAndSymbol) of \(link.issuer.name)  id \(link.id)"
            )
        }
    }

    /// RFC 4180 with a byte-order mark and CRLF lines: what Excel opens as UTF-8. A cell Excel would
    /// take for a formula (=, +, -, @, tab or CR first, and not a plain number) is shown as text
    /// behind an apostrophe, which Excel does not display.
    static func csv(_ header: [String], _ rows: [[String]]) -> String {
        func field(_ raw: String) -> String {
            let isFormula = raw.count > 1 && raw.first.map { "=+-@\t\r".contains($0) } == true && Double(raw) == nil
            let value = isFormula ? "'" + raw : raw
            return value.contains(where: { [",", "\"", "\n", "\r"].contains($0) })
                ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        return "\u{FEFF}" + ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}
