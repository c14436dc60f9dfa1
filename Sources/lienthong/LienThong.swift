import ArgumentParser
import Foundation
import LienThongAPI

/// `lienthong`: the clerk's command line for LienThong.
@main
struct LienThong: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lienthong",
        abstract: "Send, receive, verify and track signed official documents between agencies.",
        subcommands: [
            Approve.self, Approvals.self, Send.self, Inbox.self, Get.self, Verify.self, Ack.self, Reject.self,
            Status.self, Recall.self, Track.self, Overdue.self, RegisterCommand.self, RegisterPaper.self, Stats.self,
            Cert.self, Admin.self, Login.self,
            WhoAmI.self, Agencies.self,
        ])
}

/// Runs a command body and turns any failure into one line on stderr and a non-zero exit.
func reporting(_ body: () async throws -> Void) async throws {
    do {
        try await body()
    } catch let exit as ExitCode {
        throw exit
    } catch let failure as Client.Failure {
        Output.fail(failure.description)
        throw ExitCode(2)
    } catch {
        Output.fail("\(error)")
        throw ExitCode(2)
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami", abstract: "Show the user and agency of the token in use.")
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let caller = try await connection.client().get("/v1/me", as: Caller.self)
            if output.json { return try Output.printJSON(caller) }
            print(
                "\(caller.fullName) (\(caller.username), \(caller.role)) — \(caller.agency.name) \(caller.agency.code)")
        }
    }
}
