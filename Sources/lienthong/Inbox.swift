import ArgumentParser
import Foundation
import LienThongAPI

struct Inbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Documents addressed to my agency, newest first, a page at a time.",
        discussion: """
            lienthong inbox --search "cai cach" finds "Cải cách hành chính": each word is found by its start in the \
            number, the symbol or the subject, without diacritics, case or punctuation. A full page ends with the \
            --cursor of the next.
            """)
    @Option(help: "Statuses, comma-separated: 01 (arrived) … 06, or arrived, accepted, in-progress ….")
    var status: String?
    @Option(help: "Urgencies, comma-separated: normal, urgent (khẩn), very-urgent, flash (hỏa tốc).") var urgency:
        String?
    @Option(help: "The sending agency's code.") var sender: String?
    @Option(help: "Issued on or after this day (Vietnam), 2026-11-01.") var from: String?
    @Option(help: "Issued on or before this day (Vietnam).") var to: String?
    @Flag(help: "Only those still open past their deadline.") var overdue = false
    @Flag(help: "Only those nobody of my agency has opened.") var unread = false
    @Option(name: [.short, .long], help: "Words of the number, symbol or subject, with or without diacritics.")
    var search: String?
    @Option(help: "Documents per page, 1 to 200.") var limit: Int?
    @Option(help: "The page after the one that printed this cursor.") var cursor: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let page = try await connection.client().get(
                "/v1/inbox",
                query: [
                    "status": status, "urgency": urgency, "sender": sender, "from": from, "to": to,
                    "overdue": overdue ? "true" : nil, "unread": unread ? "true" : nil, "search": search,
                    "limit": limit.map(String.init), "cursor": cursor,
                ], as: InboxPage.self)
            if output.json { return try Output.printJSON(page) }
            let filtered = [status, urgency, sender, from, to, search].contains { $0 != nil } || overdue || unread
            guard !page.entries.isEmpty else {
                return print(filtered || cursor != nil ? "Nothing matches." : "The inbox is empty.")
            }
            print(
                Output.table(
                    ["NEW", "ID", "NUMBER", "FROM", "ISSUED", "STATUS", "SUBJECT"],
                    page.entries.map {
                        [
                            $0.read ? "" : "●", $0.id, $0.numberAndSymbol, $0.issuer.name, Output.time($0.issuedAt),
                            "\($0.status) \($0.statusName)" + ($0.arrivalNumber.map { " (số đến \($0))" } ?? ""),
                            $0.subject,
                        ]
                    }))
            print("\(page.entries.count) of \(page.total) shown; \(page.unread) not yet opened (●) in the inbox.")
            if let next = page.nextCursor { print("More: lienthong inbox --cursor \(next) (with the same filters)") }
        }
    }
}

struct Track: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Each recipient's status and its history, in Vietnam time.")
    @Argument(help: "The document id.") var id: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let document = try await connection.client().get(
                Client.path("documents", try Client.id(id), "track"), as: DocumentView.self)
            if output.json { return try Output.printJSON(document) }
            print("\(document.numberAndSymbol) — \(document.subject)")
            Output.printLinks(document.links)
            if let frozen = document.frozenAt {
                print("Recalled: frozen since \(Output.time(frozen)); its record is kept")
            }
            print(
                Output.table(
                    ["RECIPIENT", "NAME", "STATUS", "SỐ ĐẾN", "SINCE"],
                    document.recipients.map {
                        [
                            $0.recipient.code, $0.recipient.name,
                            "\($0.status) \($0.statusName)" + ($0.assignee.map { " → \($0)" } ?? ""),
                            $0.arrivalNumber.map(String.init) ?? "-", Output.time($0.updatedAt),
                        ]
                    }))
            for recipient in document.recipients {
                print("\n\(recipient.recipient.code) \(recipient.recipient.name)")
                for event in recipient.history ?? [] {
                    print(
                        "  \(Output.time(event.at))  \(event.status) \(event.statusName)"
                            + (event.assignee.map { " → \($0)" } ?? "")
                            + "  by \(event.actor)" + (event.note.map { "  — \($0)" } ?? ""))
                }
            }
        }
    }
}

struct Ack: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Accept and register a received document (status 03); prints its arrival number (số đến).")
    @Argument(help: "The document id.") var id: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let status = try await connection.client().post(
                Client.path("documents", try Client.id(id), "ack"), json: [String: String](), as: RecipientStatus.self)
            if output.json { return try Output.printJSON(status) }
            print(
                "Registered: status \(status.status) \(status.statusName), số đến \(status.arrivalNumber.map(String.init) ?? "-") at \(Output.time(status.updatedAt))"
            )
        }
    }
}

struct Reject: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Return a received document to its sender (status 02), with a reason.")
    @Argument(help: "The document id.") var id: String
    @Option(help: "Why it is returned (at most 500 characters).") var reason: String
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let status = try await connection.client().post(
                Client.path("documents", try Client.id(id), "reject"), json: RejectRequest(reason: reason),
                as: RecipientStatus.self)
            if output.json { return try Output.printJSON(status) }
            print(
                "Returned to sender: status \(status.status) \(status.statusName) at \(Output.time(status.updatedAt))")
        }
    }
}
