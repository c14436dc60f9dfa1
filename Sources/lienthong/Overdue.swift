import ArgumentParser
import Foundation
import LienThongAPI

struct Overdue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Open deliveries past their reply deadline, or due within N working days (Vietnamese calendar).")
    @Option(help: "Also list those due within this many working days.") var within = 0
    @Option(help: "in: documents to your agency; out: documents it sent, by recipient.") var direction = "in"
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let entries = try await connection.client().get(
                "/v1/overdue?within=\(within)&direction=\(direction)", as: [OverdueEntry].self)
            if output.json { return try Output.printJSON(entries) }
            guard !entries.isEmpty else { return print("Nothing overdue.") }
            print(
                Output.table(
                    ["ID", "NUMBER", direction == "in" ? "FROM" : "TO", "DEADLINE", "LATE", "STATUS", "SUBJECT"],
                    entries.map {
                        [
                            $0.id, $0.numberAndSymbol, $0.counterpart.name, $0.deadline,
                            $0.workingDaysLate > 0
                                ? "\($0.workingDaysLate) wd late"
                                : $0.workingDaysLate == 0 ? "due today" : "in \(-$0.workingDaysLate) wd",
                            "\($0.status) \($0.statusName)", $0.subject,
                        ]
                    }))
        }
    }
}
