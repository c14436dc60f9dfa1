import ArgumentParser
import Foundation
import LienThongAPI
import LienThongCrypto

struct Cert: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Certificates.", subcommands: [CertVerify.self])
}

struct CertVerify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract:
            "Validate one certificate: its path to the trust anchors, its fitness for a purpose, its revocation status.",
        discussion: "Exits 0 when it holds (TOTAL_PASSED), 1 when it does not, 2 when the input cannot be read.")

    @Argument(help: "The certificate (PEM or DER).") var leaf: String
    @Option(help: "Intermediate certificates (PEM); repeatable.") var untrusted: [String] = []
    @Option(help: "Trust anchors (file or directory); repeatable. Default: Certs/trust.") var trust: [String] = []
    @Option(help: "CRL files or directories; repeatable. Default: Certs/crl.") var crl: [String] = []
    @Option(help: "The time to validate at (ISO 8601, e.g. 2026-11-21T09:00:00+07:00 or 2026-11-21). Default: now.")
    var at: String?
    @Option(help: "signer, seal, tsa or any.") var purpose: CertificatePurpose = .any
    @Option(help: "Without revocation information: require, if-available or skip.") var revocation: RevocationPolicy =
        .require
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var report: CertificateReport!
        try await reporting {
            // A chain file (leaf first) offers its other certificates as intermediates.
            let file = try Certificate.load(URL(fileURLWithPath: leaf))
            let certificate = file[0]
            let intermediates =
                try Array(file.dropFirst()) + untrusted.flatMap { try Certificate.load(URL(fileURLWithPath: $0)) }
            let store = try TrustStore.load((trust.isEmpty ? ["Certs/trust"] : trust).map { URL(fileURLWithPath: $0) })
            let evidence = try RevocationEvidence.load(
                (crl.isEmpty ? ["Certs/crl"] : crl).map { URL(fileURLWithPath: $0) })
            report = store.validate(
                certificate, untrusted: intermediates, at: try at.map(Self.parseTime) ?? Date(),
                purpose: purpose, evidence: evidence, revocationPolicy: revocation)
        }
        if output.json {
            try Output.printJSON(report)
        } else {
            print("\(report.subject)")
            print("  issuer \(report.issuer); serial \(report.serialNumber)")
            print(
                "  valid \(Output.time(report.validFrom)) to \(Output.time(report.validUntil))"
                    + (report.role.map { "; role: \($0.vietnameseName)" } ?? ""))
            for (index, subject) in report.chain.enumerated() { print("  chain[\(index)] \(subject)") }
            for status in report.revocation {
                print(
                    "  revocation of \(status.certificate): \(status.status.rawValue)"
                        + (status.source.map { " (\($0))" } ?? ""))
            }
            for check in report.checks { VerificationPrinter.line(check, indent: "  ") }
            print(
                "Result: \(VerificationPrinter.verdict(report.verdict)) for purpose \(report.purpose.rawValue) at \(Output.time(report.validatedAt))"
            )
        }
        if report.verdict.indication != .totalPassed { throw ExitCode(1) }
    }

    static func parseTime(_ text: String) throws -> Date {
        if let date = APIJSON.parseTime(text) { return date }
        if let date = APIJSON.parseTime(text + "T00:00:00+07:00") { return date }
        throw Client.Failure(description: "--at \(text) is not a time: use 2026-11-21T09:00:00+07:00 or 2026-11-21")
    }
}

extension CertificatePurpose: ExpressibleByArgument {}
