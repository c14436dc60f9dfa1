import ArgumentParser
import Foundation
import LienThongAPI
import LienThongCrypto

/// The signer's side of signing: the daemon holds the key, the signer decides what it signs.
struct Approve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "As a signer, approve a document for your signature: your key may sign these exact bytes, once.",
        discussion:
            "The file is hashed here and never uploaded; give the clerk the approval id for `lienthong send … --approval ID`."
    )

    @Argument(help: "The main document, exactly as it will be sent.") var file: String
    @Option(help: "A word for the clerk, e.g. the subject (at most 500 characters).") var note: String?
    @Option(help: "Hours the clerk has to send it (1–720).") var validFor: Int = 24
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let sha256: String
            do { sha256 = try Digest.sha256(of: URL(fileURLWithPath: file)) } catch {
                throw Client.Failure(description: "cannot read \(file): \(error)")
            }
            let approval = try await connection.client().post(
                "/v1/approvals", json: ApprovalRequest(sha256: sha256, note: note, validForHours: validFor),
                as: ApprovalView.self)
            if output.json { return try Output.printJSON(approval) }
            print(
                "Approved \(file) for the signature of \(approval.signerName), until \(Output.time(approval.expiresAt))"
            )
            print("  SHA-256 \(approval.sha256)")
            print(
                "  approval \(approval.id): the clerk sends it with `lienthong send \(file) … --approval \(approval.id)`"
            )
        }
    }
}

struct Approvals: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List your agency's open signer approvals, or withdraw one of yours before it is used.")

    @Option(help: "As the signer who granted it: the approval to withdraw.") var withdraw: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let client = try connection.client()
            if let withdraw {
                let approval = try await client.post(
                    Client.path("approvals", try Client.id(withdraw, of: "approval"), "withdraw"),
                    json: [String: String](), as: ApprovalView.self)
                if output.json { return try Output.printJSON(approval) }
                return print("Withdrew approval \(approval.id) (SHA-256 \(approval.sha256)); it signs nothing now")
            }
            let approvals = try await client.get("/v1/approvals", as: [ApprovalView].self)
            if output.json { return try Output.printJSON(approvals) }
            guard !approvals.isEmpty else { return print("No open approvals.") }
            print(
                Output.table(
                    ["APPROVAL", "SIGNER", "UNTIL", "SHA-256", "NOTE"],
                    approvals.map {
                        [
                            $0.id, $0.signerName, Output.time($0.expiresAt), String($0.sha256.prefix(16)) + "…",
                            $0.note ?? "",
                        ]
                    }))
        }
    }
}
