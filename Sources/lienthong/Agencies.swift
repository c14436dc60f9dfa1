import ArgumentParser
import Foundation
import LienThongAPI

struct Agencies: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The directory of agencies: list, show, import (administrators), retire (administrators).",
        subcommands: [AgenciesList.self, AgenciesShow.self, AgenciesImport.self, AgenciesRetire.self],
        defaultSubcommand: AgenciesList.self)
}

struct AgenciesList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List the directory.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let agencies = try await connection.client().get("/v1/agencies", as: [AgencyView].self)
            if output.json { return try Output.printJSON(agencies) }
            print(
                Output.table(
                    ["CODE", "ABBR", "STATUS", "NAME"],
                    agencies.map {
                        [$0.code, $0.abbreviation, $0.status + ($0.successor.map { " → \($0)" } ?? ""), $0.name]
                    }))
        }
    }
}

struct AgenciesShow: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show one agency.")
    @Argument(help: "The agency code.") var code: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let agency = try await connection.client().get(Client.path("agencies", code), as: AgencyView.self)
            if output.json { return try Output.printJSON(agency) }
            print("\(agency.code)  \(agency.name) (\(agency.abbreviation))")
            print("  status: \(agency.status)" + (agency.successor.map { ", succeeded by \($0)" } ?? ""))
            if let parent = agency.parent { print("  parent: \(parent)") }
        }
    }
}

struct AgenciesImport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract:
            "Add or update agencies from a CSV file (header code,name,abbreviation,parent); says line by line what it did."
    )
    @Argument(help: "The CSV file (UTF-8, a BOM is fine).") var file: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var lines: [ImportLine] = []
        try await reporting {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw Client.Failure(description: "cannot read \(file)")
            }
            lines = try await connection.client().post(
                "/v1/agencies/import", body: data, contentType: "text/csv; charset=utf-8",
                as: [ImportLine].self)
        }
        if output.json {
            try Output.printJSON(lines)
        } else {
            for line in lines { print("line \(line.line): \(line.outcome) \(line.code ?? "") \(line.detail)") }
            let counts = Dictionary(grouping: lines, by: \.outcome).mapValues(\.count)
            print(
                ["added", "updated", "unchanged", "rejected"].map { "\(counts[$0] ?? 0) \($0)" }.joined(separator: ", ")
            )
        }
        if lines.contains(where: { $0.outcome == "rejected" }) { throw ExitCode(1) }
    }
}

struct AgenciesRetire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire", abstract: "Retire an agency; documents addressed to it then go to its successor.")
    @Argument(help: "The agency code.") var code: String
    @Option(help: "The agency that took over its duties.") var successor: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let agency = try await connection.client().post(
                Client.path("agencies", code, "retire"), json: RetireRequest(successor: successor),
                as: AgencyView.self)
            if output.json { return try Output.printJSON(agency) }
            print(
                "Retired \(agency.code) \(agency.name)"
                    + (agency.successor.map { "; documents addressed to it go to \($0)" } ?? ""))
        }
    }
}
