import ArgumentParser
import Foundation
import LienThongAPI

struct RegisterPaper: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "register-paper",
        abstract: "Enter a paper document in the outgoing (out) or incoming (in) register.",
        discussion: """
            out: the document takes the next number of its series, like an electronic one:
              lienthong register-paper --direction out --type QĐ --subject "…" --signer-name "Lò Văn Mừng" --recipients "UBND các xã"
            in: it takes the next arrival number (số đến), shared with electronic documents:
              lienthong register-paper --direction in --type CV --subject "…" --sender "Bộ Nội vụ" --number-symbol 12/BNV-VP --issued-on 2026-11-02
            """)

    @Option(help: "in (received on paper) or out (issued on paper).") var direction: String
    @Option(help: "Type abbreviation (QĐ, CV …) or name.") var type: String
    @Option(help: "The subject (trích yếu).") var subject: String
    @Option(help: "normal, urgent, very-urgent or flash.") var urgency: String?
    @Option(help: "Notes (at most 500 characters).") var notes: String?
    @Option(
        help: "Secret documents (mật, tối mật, tuyệt mật) are refused: they belong in the separate secret register.")
    var secrecy: String?
    @Option(help: "out: who signed the paper.") var signerName: String?
    @Option(help: "out: the signer's position.") var signerPosition: String?
    @Option(help: "out: TM., KT., TL., TUQ. or Q.") var authority: String?
    @Option(help: "out: for a Công văn, the drafting unit in the symbol.") var draftingUnit: String?
    @Option(help: "out: main, copy[:SY|SL|TS] or advisory:ABBREVIATION.") var series: String?
    @Option(help: "out: Nơi nhận, as written on the paper.") var recipients: String?
    @Option(help: "out: number of pages.") var pageCount: Int?
    @Option(help: "in: the issuing agency as written on the paper.") var sender: String?
    @Option(help: "in: its number and symbol, e.g. 12/BNV-VP.") var numberSymbol: String?
    @Option(help: "in: its date, YYYY-MM-DD.") var issuedOn: String?
    @Option(help: "in: the unit or person it goes to.") var assignee: String?
    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        try await reporting {
            let request = PaperRequest(
                direction: direction, type: type, subject: subject, urgency: urgency, secrecy: secrecy, notes: notes,
                signerName: signerName, signerPosition: signerPosition, authority: authority,
                draftingUnit: draftingUnit,
                series: series, recipients: recipients, pageCount: pageCount,
                sender: sender, numberAndSymbol: numberSymbol, issuedOn: issuedOn, assignee: assignee)
            let entry = try await connection.client().post("/v1/paper", json: request, as: PaperRegistration.self)
            if output.json { return try Output.printJSON(entry) }
            if let arrival = entry.arrivalNumber {
                print("Registered paper document \(entry.numberAndSymbol) as số đến \(arrival)/\(entry.year)")
            } else {
                print("Registered paper document \(entry.numberAndSymbol)  id \(entry.id ?? "")")
            }
        }
    }
}
