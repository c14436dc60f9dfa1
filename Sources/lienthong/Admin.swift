import ArgumentParser
import Foundation
import LienThongAPI

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration: the audit log.",
        subcommands: [Audit.self])

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The append-only, hash-chained log of every change of state.",
            subcommands: [Verify.self, List.self])

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Check the whole chain; names the first entry that was changed, removed or slipped in. Exits 1 if broken.")
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await reporting {
                    let check = try await connection.client().get("/v1/admin/audit/verify", as: AuditCheck.self)
                    if output.json {
                        try Output.printJSON(check)
                    } else if let broken = check.firstBroken {
                        print("BROKEN at entry \(broken): \(check.problem ?? "")")
                        print("\(check.entries) entries hold before it; the last good hash is \(check.headHash)")
                    } else {
                        print("The audit log holds: \(check.entries) entries, head hash \(check.headHash)")
                    }
                    if check.firstBroken != nil { throw ExitCode(1) }
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "The newest entries, newest first.")
            @Option(help: "How many entries.") var limit = 50
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await reporting {
                    let entries = try await connection.client().get("/v1/admin/audit", query: ["limit": String(limit)], as: [AuditEntry].self)
                    if output.json { return try Output.printJSON(entries) }
                    print(Output.table(["#", "AT (UTC)", "ACTOR", "ACTION", "SUBJECT", "DETAIL"],
                                       entries.map { [String($0.id), $0.at, $0.actor, $0.action, $0.subject, $0.detail] }))
                }
            }
        }
    }
}
