import ArgumentParser
import Foundation
import LienThongAPI

struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Report what the receiving agency did with a document: assigned (04), in-progress (05), completed (06), or answer a recall: recall-accepted (15), recall-refused (16)."
    )
    @Argument(help: "The document id.") var id: String
    @Argument(help: "assigned, in-progress, completed, recall-accepted or recall-refused (or the code).") var status:
        String
    @Option(help: "For assigned: the unit or person, e.g. \"Phòng Văn hóa – Xã hội\".") var to: String?
    @Option(help: "A note for the trail (at most 500 characters).") var note: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let result = try await connection.client().post(
                Client.path("documents", try Client.id(id), "status"),
                json: StatusRequest(status: status, to: to, note: note),
                as: RecipientStatus.self)
            if output.json { return try Output.printJSON(result) }
            print(
                "Status \(result.status) \(result.statusName)" + (result.assignee.map { " → \($0)" } ?? "")
                    + " at \(Output.time(result.updatedAt))")
        }
    }
}

struct Recall: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Ask every recipient to accept a recall of a document you sent (13); each answers 15 or 16.")
    @Argument(help: "The document id.") var id: String
    @Option(help: "Why it is recalled (at most 500 characters).") var reason: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let document = try await connection.client().post(
                Client.path("documents", try Client.id(id), "recall"), json: RecallRequest(reason: reason),
                as: DocumentView.self)
            if output.json { return try Output.printJSON(document) }
            let asked = document.recipients.filter { $0.status == "13" }
            print("Recall of \(document.numberAndSymbol) requested from \(asked.count) recipients:")
            for recipient in asked { print("  \(recipient.recipient.code)  \(recipient.recipient.name)") }
        }
    }
}
