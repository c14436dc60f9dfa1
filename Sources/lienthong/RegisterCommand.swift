import ArgumentParser
import Foundation
import LienThongAPI

struct RegisterCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register",
        abstract: "The outgoing (out) or incoming (in) register of Decree 30, as a table, CSV for Excel, or JSON.")
    @Argument(help: "out (sổ văn bản đi) or in (sổ văn bản đến).") var kind: String
    @Option(help: "The year, in Vietnam time. Default: this year.") var year: Int?
    @Option(help: "An agency under yours (its code); yours when left out.") var agency: String?
    @Option(help: "table, csv (UTF-8 with BOM, so that Excel shows Vietnamese) or json.") var format = "table"
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await reporting {
            guard ["in", "out"].contains(kind) else {
                throw Client.Failure(description: "the register is out or in, not \(kind)")
            }
            guard ["table", "csv", "json"].contains(format) else {
                throw Client.Failure(description: "--format is table, csv or json")
            }
            let register = try await connection.client().get(
                Client.path("registers", kind), query: ["year": year.map(String.init), "agency": agency],
                as: Register.self)
            switch format {
            case "json": try Output.printJSON(register)
            case "csv": FileHandle.standardOutput.write(Data(Output.csv(register.columns, register.rows).utf8))
            default:
                print(
                    "\(kind == "out" ? "Sổ đăng ký văn bản đi" : "Sổ đăng ký văn bản đến") \(register.year) — \(register.agency.name)"
                )
                print(Output.table(register.columns, register.rows))
            }
        }
    }
}
