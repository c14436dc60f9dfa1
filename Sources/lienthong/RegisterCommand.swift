import ArgumentParser
import Foundation
import LienThongAPI

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "The outgoing (out) or incoming (in) register of Decree 30, as a table, CSV for Excel, or JSON.")
    @Argument(help: "out (sổ văn bản đi) or in (sổ văn bản đến).") var kind: String
    @Option(help: "The year, in Vietnam time. Default: this year.") var year: Int?
    @Option(help: "table, csv (UTF-8 with BOM, so that Excel shows Vietnamese) or json.") var format = "table"
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await reporting {
            guard ["in", "out"].contains(kind) else { throw Client.Failure(description: "the register is out or in, not \(kind)") }
            guard ["table", "csv", "json"].contains(format) else { throw Client.Failure(description: "--format is table, csv or json") }
            let query = year.map { "?year=\($0)" } ?? ""
            let register = try await connection.client().get("/v1/registers/\(kind)\(query)", as: Register.self)
            switch format {
            case "json": try Output.printJSON(register)
            case "csv": FileHandle.standardOutput.write(Data(Self.csv(register).utf8))
            default:
                print("\(kind == "out" ? "Sổ đăng ký văn bản đi" : "Sổ đăng ký văn bản đến") \(register.year) — \(register.agency.name)")
                print(Output.table(register.columns, register.rows))
            }
        }
    }

    /// RFC 4180 with a byte-order mark and CRLF lines: what Excel opens as UTF-8.
    static func csv(_ register: Register) -> String {
        func field(_ value: String) -> String {
            value.contains(where: { [",", "\"", "\n", "\r"].contains($0) }) ? "\"" + value.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : value
        }
        return "\u{FEFF}" + ([register.columns] + register.rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}
