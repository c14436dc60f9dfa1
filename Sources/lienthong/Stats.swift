import ArgumentParser
import Foundation
import LienThongAPI
import LienThongDomain

struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Electronic, signed and on-time ratios for an agency or its subtree over a period.",
        discussion:
            "The definitions of the ratios are printed with them; they are set in the daemon's configuration (ratioDefinitions)."
    )

    @Option(help: "The agency; yours when left out.") var agency: String?
    @Flag(help: "Count the agencies under it too.") var subtree = false
    @Option(help: "First day, YYYY-MM-DD (Vietnam). Default: 1 January this year.") var from: String?
    @Option(help: "Last day, YYYY-MM-DD. Default: today.") var to: String?
    @Option(help: "Group rows by month or agency.") var by: String?
    @Option(help: "table, csv or json.") var format = "table"
    @OptionGroup var connection: ConnectionOptions

    func run() async throws {
        try await reporting {
            guard ["table", "csv", "json"].contains(format) else {
                throw Client.Failure(description: "--format is table, csv or json")
            }
            let report = try await connection.client().get(
                "/v1/stats",
                query: ["agency": agency, "subtree": subtree ? "true" : nil, "from": from, "to": to, "by": by],
                as: StatsReport.self)
            let header = ["", "OUT ĐIỆN TỬ", "OUT GIẤY", "IN ĐIỆN TỬ", "IN GIẤY", "ELECTRONIC", "SIGNED", "ON TIME"]
            let rows = (report.rows + [report.total]).map { row in
                [
                    row.label.map { "\(row.key) \($0)" } ?? row.key, String(row.figures.outgoingElectronic),
                    String(row.figures.outgoingPaper),
                    String(row.figures.incomingElectronic), String(row.figures.incomingPaper),
                ]
                    + row.ratios.map { ratio in
                        ratio.value.map {
                            String(format: "%.1f%% (%d/%d)", $0 * 100, ratio.numerator, ratio.denominator)
                        } ?? "–"
                    }
            }
            switch format {
            case "json": try Output.printJSON(report)
            case "csv": FileHandle.standardOutput.write(Data(Output.csv(header, rows).utf8))
            default:
                print(
                    "\(report.agency.name)\(report.subtree ? " and the \(report.agencyCount - 1) agencies under it" : ""), \(report.from) to \(report.to)"
                )
                print(Output.table(header, rows))
                for ratio in report.total.ratios { print("\(ratio.name): \(ratio.definition)") }
            }
        }
    }
}
