import ArgumentParser
import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongPDF

struct Verify: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract:
            "Verify a document offline: every file's integrity, the signer's signature, the agency's seal, the chain.",
        discussion: """
            PATH is a directory written by `lienthong get` (its manifest.json names the files), a single file
            with a detached CMS signature (FILE.p7s by default), or a signed PDF that carries its signatures
            (PAdES): each is verified with what the PDF's later revisions changed. Exits 0 only if everything holds (TOTAL_PASSED);
            1 when the verdict is TOTAL_FAILED or INDETERMINATE; 2 when the input cannot be read.
            """)

    @Argument(help: "A directory from `lienthong get`, or a signed file.") var path: String
    @Option(help: "The detached signature of FILE (default FILE.p7s).") var signature: String?
    @Option(help: "Trust anchors (PEM/DER file or directory); repeatable. Default: Certs/trust.") var trust: [String] =
        []
    @Option(help: "What a single file's signatures must be: document (signer and seal), attachment (seal) or any.")
    var expect: SignatureExpectation = .document
    @Option(
        help:
            "CRL files (PEM or DER) or directories; repeatable. Default: Certs/crl, besides what the signature carries."
    )
    var crl: [String] = []
    @Option(
        help:
            "Without revocation information for a certificate: require (INDETERMINATE), if-available (a warning) or skip."
    )
    var revocation: RevocationPolicy = .require
    @Flag(
        help:
            "Fetch missing revocation information: OCSP from the responder each certificate names, CRLs from their distribution points."
    )
    var online = false
    @Option(help: "With --online: ask this OCSP responder about every certificate.")
    var ocsp: String?
    @OptionGroup var output: OutputOptions

    func run() async throws {
        var report: VerificationReport!
        var export: ExportCheck?
        try await reporting {
            let environment = ProcessInfo.processInfo.environment
            let anchors = trust.isEmpty ? [environment["LIENTHONG_TRUST"] ?? "Certs/trust"] : trust
            let trustStore = try TrustStore.load(anchors.map { URL(fileURLWithPath: $0) })
            let crlLocations = crl.isEmpty ? [URL(fileURLWithPath: "Certs/crl")] : crl.map { URL(fileURLWithPath: $0) }
            var verifier = SignatureVerifier(
                trust: trustStore, evidence: try RevocationEvidence.load(crlLocations), revocationPolicy: revocation)
            let url = URL(fileURLWithPath: path)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
                throw Client.Failure(description: "\(path) does not exist")
            }
            if isDirectory.boolValue {
                export = try ExportCheck(directory: url)
            }
            // A PDF without a detached signature beside it carries its own (PAdES).
            let embedded =
                try export == nil && signature == nil
                && !FileManager.default.fileExists(atPath: path + ".p7s") ? Self.pdf(at: url) : nil
            let signatures =
                try export.map { $0.signatures() }
                ?? embedded.map { try PDFVerifier.signatures(in: $0).map(\.cms) }
                ?? [try read(URL(fileURLWithPath: signature ?? path + ".p7s"))]
            if online {
                let fetcher = RevocationFetcher(ocspResponder: try ocsp.map { try Self.url($0) })
                let chains = signatures.flatMap { verifier.chains(of: $0) }
                verifier.evidence =
                    verifier.evidence
                    + (await fetcher.collect(chains: chains, known: verifier.evidence, trust: trustStore))
            }
            if var check = export {
                report = check.verify(with: verifier)
                export = check
            } else if let embedded {
                report = PDFVerifier(verifier: verifier).verify(
                    embedded, name: url.lastPathComponent, expecting: expect)
            } else {
                report = VerificationReport(
                    files: [verifier.verify(content: url, signature: signatures[0], expecting: expect)],
                    validationTime: Date())
            }
        }
        if output.json {
            try Output.printJSON(report)
        } else {
            VerificationPrinter.print(
                report, identity: export?.identity,
                unsealed: export?.identity == nil ? export?.manifest : nil)
        }
        if report.verdict.indication != .totalPassed { throw ExitCode(1) }
    }

    /// The file's bytes when it is a PDF (it starts with `%PDF-`), or nil; a large one mapped, not read.
    private static func pdf(at url: URL) throws -> ByteSource? {
        guard let handle = try? FileHandle(forReadingFrom: url) else {
            throw Client.Failure(description: "cannot read \(url.path)")
        }
        defer { try? handle.close() }
        guard try handle.read(upToCount: 5) == Data("%PDF-".utf8) else { return nil }
        return try ByteSource(contentsOf: url)
    }

    private func read(_ url: URL) throws -> Data {
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw Client.Failure(description: "cannot read the signature \(url.path); name it with --signature")
        }
        return data
    }

    static func url(_ text: String) throws -> URL {
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? "") else {
            throw Client.Failure(description: "\(text) is not an http(s) URL")
        }
        return url
    }

}

extension SignatureExpectation: ExpressibleByArgument {}
extension RevocationPolicy: ExpressibleByArgument {}

/// The report for people: a verdict per file and per signature, and every check that did not pass.
enum VerificationPrinter {
    /// `identity`: what the issuer's seal covers; `unsealed`: an older export's manifest, shown as such.
    static func print(_ report: VerificationReport, identity: DocumentIdentity?, unsealed: ExportManifest?) {
        if let identity {
            Swift.print("\(identity.numberAndSymbol) — \(identity.typeName): \(identity.subject)")
            let issuer = "\(identity.issuer.name) (\(identity.issuer.code))"
            Swift.print("issued by \(issuer) at \(Output.time(identity.issuedAt)); sealed identity")
            Swift.print("to \(identity.recipients.map(\.name).joined(separator: "; "))")
        } else if let document = unsealed?.document {
            Swift.print(
                "\(document.numberAndSymbol) — \(document.typeName): \(document.subject)"
                    + "  (NOT SEALED: from manifest.json)")
            Swift.print(
                "issued by \(document.issuer.name) (\(document.issuer.code)) at \(Output.time(document.issuedAt))")
        }
        for check in report.checks { line(check, indent: "") }
        for file in report.files {
            Swift.print("\nFile \(file.name)  [\(verdict(file.verdict))]")
            if let sha = file.sha256 { Swift.print("  sha256 \(sha)") }
            for signature in file.signatures {
                let role =
                    signature.role.map { "\($0.rawValue): \($0.vietnameseName)" }
                    ?? "signature (role not stated by the certificate)"
                Swift.print("  \(role)  [\(verdict(signature.verdict))]")
                let organization = signature.organization.flatMap { $0 == signature.commonName ? nil : ", \($0)" } ?? ""
                Swift.print("    \(signature.commonName ?? signature.subject)\(organization)")
                Swift.print(
                    "    \(signature.signatureAlgorithm), \(signature.digestAlgorithm); serial \(signature.serialNumber)"
                )
                if let time = signature.claimedSigningTime {
                    Swift.print("    signing time (claimed by the signer): \(Output.time(time))")
                }
                if let time = signature.timeStampedAt {
                    Swift.print("    time-stamped: \(Output.time(time)) by \(signature.timeStampAuthority ?? "")")
                }
                Swift.print("    issuer: \(signature.issuer)")
                if let from = signature.validFrom, let until = signature.validUntil {
                    Swift.print("    certificate valid \(Output.time(from)) to \(Output.time(until))")
                }
                for check in signature.checks { line(check, indent: "    ") }
            }
            for check in file.checks { line(check, indent: "  ") }
        }
        Swift.print("\nResult: \(verdict(report.verdict)) (checked at \(Output.time(report.validationTime)))")
    }

    static func verdict(_ verdict: Verdict) -> String {
        verdict.indication.rawValue + (verdict.subIndication.map { " / \($0.rawValue)" } ?? "")
    }

    static func line(_ check: Check, indent: String) {
        let mark =
            switch check.result {
            case .passed: "ok  "
            case .warning: "WARN"
            case .failed: "FAIL"
            }
        Swift.print("\(indent)\(mark) \(check.id): \(check.detail)")
    }
}
