import ArgumentParser
import Foundation
import LienThongAPI

struct Send: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Send a document: the daemon numbers it, signs it (signer, then agency seal) and delivers it.",
        discussion: "The first FILE is the document; the others are attachments, sealed by the agency alone.")

    @Argument(help: "The document, then any attachments.")
    var files: [String]

    @Option(help: "Recipient agency codes, comma-separated: 000.01.21.H18,000.02.21.H18")
    var to: String

    @Option(help: "Type abbreviation: QĐ, CT, BC, KH, TB … or CV for a Công văn.")
    var type: String

    @Option(help: "The subject (trích yếu).")
    var subject: String

    @Option(help: "The signer's approval of the document (`lienthong approve`, run by the signer).")
    var approval: String?

    @Option(help: "Username of the signer; the approval's signer, or the agency's only signer, when left out.")
    var signer: String?

    @Option(help: "normal, urgent (Khẩn), very-urgent (Thượng khẩn) or flash (Hỏa tốc).")
    var urgency: String?

    @Option(help: "Reply deadline: a date (2026-12-15) or working days after issue (10wd).")
    var deadline: String?

    @Option(help: "For a Công văn: the drafting unit in the symbol (UBND-TTr).")
    var draftingUnit: String?

    @Option(help: "Signer authority: TM., KT., TL., TUQ. or Q.")
    var authority: String?

    @Option(help: "Notes (at most 500 characters).")
    var notes: String?

    @Option(
        help: "Number series: main (default), copy[:SY|SL|TS] for a copy, advisory:ABBREVIATION for an advisory body.")
    var series: String?

    @Option(help: "The id of a document of your agency that this one replaces.")
    var replaces: String?

    @Option(help: "The id of a document your agency received that this one answers.")
    var inReplyTo: String?

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let client = try connection.client()
            let urls = try files.map { path in
                let url = URL(fileURLWithPath: path)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else {
                    throw Client.Failure(description: "\(path) is not a file")
                }
                return url
            }
            var uploaded: [SendRequest.File] = []
            for url in urls {
                let file = try await client.upload(url)
                uploaded.append(SendRequest.File(sha256: file.sha256, name: url.lastPathComponent))
            }
            let request = SendRequest(
                files: uploaded, to: to.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) },
                type: type, subject: subject, signer: signer, urgency: urgency, deadline: deadline,
                draftingUnit: draftingUnit, authority: authority, notes: notes, series: series, replaces: replaces,
                inReplyTo: inReplyTo,
                approval: approval)
            let document = try await client.post("/v1/documents", json: request, as: DocumentView.self)
            if output.json { return try Output.printJSON(document) }
            print("Sent \(document.numberAndSymbol)  id \(document.id)")
            print("  \(document.typeName): \(document.subject)")
            Output.printLinks(document.links)
            print(
                "  issued \(Output.time(document.issuedAt)) by \(document.issuer.name)"
                    + (document.deadline.map { ", reply by \($0)" } ?? ""))
            for signature in document.signatures {
                let file = document.files.first { $0.position == signature.filePosition }?.name ?? ""
                print(
                    "  \(signature.role == "seal" ? "sealed" : "signed") \(file): \(signature.commonName), \(signature.algorithm)"
                )
            }
            for file in document.files {
                guard let revisions = file.revisions, revisions.count > 1 else { continue }
                print(
                    "  \(file.name) is signed inside too, as a PDF shows it: "
                        + revisions.dropFirst().map(\.content).joined(separator: ", "))
            }
            if document.files.contains(where: \.timeStampPending) {
                print("  time stamps pending: the TSA could not be reached; they are added as soon as it answers")
            }
            print("  delivered to \(document.recipients.count) agencies, status 01 Đã đến:")
            for recipient in document.recipients {
                print(
                    "    \(recipient.recipient.code)  \(recipient.recipient.name)"
                        + (recipient.addressedTo.map { "  (addressed to \($0), which it succeeds)" } ?? ""))
            }
        }
    }
}
