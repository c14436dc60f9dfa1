import ArgumentParser
import Foundation
import LienThongAPI

struct Admin: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Administration: users and their tokens, the audit log, backups and checks.",
        subcommands: [User.self, Audit.self, Backup.self, Check.self])

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a consistent copy of the registry and its files while the daemon serves.",
            discussion:
                "DIR is a new or empty directory on the daemon's machine; it can be served as it is with LIENTHONG_DATA_DIRECTORY=DIR."
        )
        @Argument(help: "An absolute path on the daemon's machine.") var directory: String
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reporting {
                let report = try await connection.client().post(
                    "/v1/admin/backup", json: BackupRequest(directory: directory), as: BackupReport.self)
                if output.json { return try Output.printJSON(report) }
                print(
                    "Backed up \(report.documents) documents and \(report.files) files (\(report.bytes) bytes) to \(report.directory)"
                )
                print("  as of \(Output.time(report.createdAt)); audit head \(report.auditHead)")
                for item in report.carrySeparately { print("  not in the backup, keep it with it: \(item)") }
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Hash every stored file again and check the audit chain; exits 1 if anything does not hold.")
        @OptionGroup var connection: ConnectionOptions
        @OptionGroup var output: OutputOptions

        func run() async throws {
            try await reporting {
                let report = try await connection.client().get("/v1/admin/check", as: CheckReport.self)
                if output.json {
                    try Output.printJSON(report)
                } else {
                    print(
                        "\(report.files) stored files (\(report.bytes) bytes) hashed again: \(report.problems.isEmpty ? "all match" : "\(report.problems.count) do not")"
                    )
                    for problem in report.problems {
                        print(
                            "  \(problem.kind.uppercased()) \(problem.sha256)"
                                + (problem.documents.isEmpty
                                    ? "" : ", used by " + problem.documents.joined(separator: ", ")))
                    }
                    print(
                        "\(report.rows) sealed rows checked: "
                            + (report.rowProblems.isEmpty
                                ? "none changed outside LienThong" : "\(report.rowProblems.count) problems"))
                    for problem in report.rowProblems { print("  \(problem.kind.uppercased()) \(problem.detail)") }
                    print(
                        report.audit.firstBroken.map {
                            "audit log BROKEN at entry \($0): \(report.audit.problem ?? "")"
                        }
                            ?? "audit log holds: \(report.audit.entries) entries")
                }
                if !report.problems.isEmpty || !report.rowProblems.isEmpty || report.audit.firstBroken != nil {
                    throw ExitCode(1)
                }
            }
        }
    }

    struct User: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Users of your agency and the agencies under it; tokens are shown once and kept only as a hash.",
            subcommands: [Add.self, Token.self, Revoke.self, List.self])

        struct Add: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Add a user and print a first token, once.")
            @Argument(help: "The username, e.g. clerk.xa-na-son.") var username: String
            @Option(help: "Full name.") var name: String
            @Option(help: "Position (chức vụ).") var position: String?
            @Option(help: "The agency code.") var agency: String
            @Option(help: "clerk, signer, viewer, statistician or admin.") var role: String
            @Option(help: "Days until the token expires (1–730).") var days = 90
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await reporting {
                    let issued = try await connection.client().post(
                        "/v1/admin/users",
                        json: NewUserRequest(
                            username: username, fullName: name, position: position, agency: agency, role: role,
                            days: days),
                        as: IssuedToken.self)
                    try Admin.show(issued, json: output.json)
                }
            }
        }

        struct Token: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Issue another token for a user, printed once (the others stay valid until revoked); gives back a revoked user's access."
            )
            @Argument(help: "The username.") var username: String
            @Option(help: "Days until the token expires (1–730).") var days = 90
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await reporting {
                    let issued = try await connection.client().post(
                        Client.path("admin", "users", username, "tokens") + "?days=\(days)", json: [String: String](),
                        as: IssuedToken.self)
                    try Admin.show(issued, json: output.json)
                }
            }
        }

        struct Revoke: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Revoke every token of a user at once, and their client certificates' and signing key's use, until a new token."
            )
            @Argument(help: "The username.") var username: String
            @OptionGroup var connection: ConnectionOptions

            func run() async throws {
                try await reporting {
                    let answer = try await connection.client().post(
                        Client.path("admin", "users", username, "revoke"), json: [String: String](),
                        as: [String: Int].self)
                    print(
                        "Revoked \(answer["revoked"] ?? 0) tokens of \(username); no client certificate gets in and no signature is made in their name until `lienthong admin user token \(username)`"
                    )
                }
            }
        }

        struct List: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Users and the state of their tokens.")
            @OptionGroup var connection: ConnectionOptions
            @OptionGroup var output: OutputOptions

            func run() async throws {
                try await reporting {
                    let users = try await connection.client().get("/v1/admin/users", as: [UserView].self)
                    if output.json { return try Output.printJSON(users) }
                    print(
                        Output.table(
                            ["USERNAME", "NAME", "AGENCY", "ROLE", "TOKENS"],
                            users.map { user in
                                [
                                    user.username, user.fullName, user.agency, user.role,
                                    Dictionary(grouping: user.tokens, by: \.status).sorted { $0.key > $1.key }.map {
                                        "\($0.value.count) \($0.key)"
                                    }.joined(separator: ", "),
                                ]
                            }))
                }
            }
        }
    }

    static func show(_ issued: IssuedToken, json: Bool) throws {
        if json { return try Output.printJSON(issued) }
        print("Token for \(issued.username), valid until \(Output.time(issued.expiresAt)). It is shown only this once:")
        print(issued.token)
    }

    struct Audit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The append-only, hash-chained log of every change of state.",
            subcommands: [Verify.self, List.self])

        struct Verify: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract:
                    "Check the whole chain; names the first entry that was changed, removed or slipped in. Exits 1 if broken."
            )
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
                    let entries = try await connection.client().get(
                        "/v1/admin/audit", query: ["limit": String(limit)], as: [AuditEntry].self)
                    if output.json { return try Output.printJSON(entries) }
                    print(
                        Output.table(
                            ["#", "AT (UTC)", "ACTOR", "ACTION", "SUBJECT", "DETAIL"],
                            entries.map { [String($0.id), $0.at, $0.actor, $0.action, $0.subject, $0.detail] }))
                }
            }
        }
    }
}
