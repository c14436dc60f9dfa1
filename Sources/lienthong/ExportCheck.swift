import Foundation
import LienThongAPI
import LienThongCrypto

/// A folder written by `lienthong get`, verified as a whole: the issuer's seal over the document's
/// identity (`identity.json`), every file it lists with its own signatures and its sealed SHA-256,
/// the same agency behind both, and nothing else in the folder.
///
/// `manifest.json` is a convenience anyone can edit: with a sealed identity it decides nothing.
/// Exports made before identities were sealed are verified from it as before, with a warning.
struct ExportCheck {
    let directory: URL
    let manifest: ExportManifest?
    /// The identity's exact bytes and its seal, when the export has them.
    let sealedIdentity: (bytes: Data, signature: Data)?

    /// The identity, decoded from the bytes the seal covers; nil when there is none or its seal fails.
    private(set) var identity: DocumentIdentity?

    init(directory: URL) throws {
        self.directory = directory
        let read = { (name: String) in
            FileManager.default.contents(atPath: directory.appendingPathComponent(name).path)
        }
        if let bytes = read(DocumentIdentity.fileName) {
            guard let signature = read(DocumentIdentity.signatureName) else {
                throw Client.Failure(
                    description: "\(directory.path) has \(DocumentIdentity.fileName) "
                        + "without its seal \(DocumentIdentity.signatureName)")
            }
            sealedIdentity = (bytes, signature)
        } else {
            sealedIdentity = nil
        }
        if let data = read("manifest.json") {
            do { manifest = try APIJSON.decoder.decode(ExportManifest.self, from: data) } catch {
                throw Client.Failure(
                    description: "\(directory.path)/manifest.json is not a LienThong manifest: \(error)")
            }
        } else {
            manifest = nil
        }
        guard sealedIdentity != nil || manifest != nil else {
            throw Client.Failure(
                description: "\(directory.path) has neither \(DocumentIdentity.fileName) nor manifest.json: "
                    + "pass a directory written by `lienthong get`, or a file")
        }
    }

    /// A listed file: its name, what its signatures must be, and the SHA-256 the sender registered.
    private struct Entry {
        let name: String
        let expectation: SignatureExpectation
        let sha256: String
    }

    mutating func verify(with verifier: SignatureVerifier) -> VerificationReport {
        var checks: [Check] = []
        var files: [FileReport] = []
        var entries: [Entry] = []
        var extraNames: Set<String> = ["manifest.json"]

        if let sealedIdentity {
            extraNames.formUnion([DocumentIdentity.fileName, DocumentIdentity.signatureName])
            let (report, identity, identityChecks) = verifyIdentity(sealedIdentity, verifier)
            files.append(report)
            checks += identityChecks
            self.identity = identity
            if let identity {
                entries = identity.files.map {
                    Entry(
                        name: $0.name, expectation: $0.role == "document" ? .document : .attachment, sha256: $0.sha256)
                }
                let positions = identity.files.map(\.position)
                if positions != Array(positions.indices) || identity.files.first?.role != "document" {
                    checks.append(
                        .failed(
                            "identity-files",
                            "the sealed identity does not list the main document first, then its attachments in order",
                            .formatFailure))
                }
                if let manifest,
                    manifest.files.map(\.name) != identity.files.map(\.name)
                        || manifest.files.map({ $0.sha256.lowercased() })
                            != identity.files.map({ $0.sha256.lowercased() })
                {
                    checks.append(
                        .warning(
                            "manifest",
                            "manifest.json differs from the sealed identity; the sealed identity is what counts"))
                }
            }
        } else if let manifest {
            checks.append(
                .warning(
                    "identity-sealed",
                    "this export has no sealed identity (it was made before LienThong sealed identities): "
                        + "its number, symbol, subject and list of files come from manifest.json, which anyone can edit"
                ))
            entries = manifest.files.map {
                Entry(name: $0.name, expectation: $0.kind == "document" ? .document : .attachment, sha256: $0.sha256)
            }
            if manifest.files.first?.kind != "document" {
                checks.append(
                    .failed("main-document", "the manifest does not start with the main document", .formatFailure))
            }
        }

        checks += folderChecks(entries.map(\.name), extra: extraNames)
        for entry in entries {
            files.append(verifyFile(entry, verifier))
        }
        if sealedIdentity != nil, identity != nil,
            let agency = files.first?.signatures.first(where: { $0.role == .seal })
        {
            let others = files.dropFirst().flatMap { $0.signatures.filter { $0.role == .seal } }
            let strangers = others.filter { $0.subject != agency.subject || $0.issuer != agency.issuer }
            checks.append(
                strangers.isEmpty
                    ? .passed(
                        "identity-agency",
                        "the identity and every file are sealed by \(agency.commonName ?? agency.subject)")
                    : .failed(
                        "identity-agency",
                        "\(strangers.map { $0.commonName ?? $0.subject }.joined(separator: ", ")) sealed files "
                            + "of a document whose identity \(agency.commonName ?? agency.subject) sealed: "
                            + "they come from another agency",
                        .sigConstraintsFailure))
        }
        return VerificationReport(files: files, checks: checks, validationTime: Date())
    }

    private func verifyIdentity(
        _ sealed: (bytes: Data, signature: Data), _ verifier: SignatureVerifier
    )
        -> (FileReport, DocumentIdentity?, [Check])
    {
        let (staged, cleanup) = Self.staging(sealed.bytes)
        defer { cleanup() }
        var report = verifier.verify(
            content: staged, signature: sealed.signature, name: DocumentIdentity.fileName, expecting: .attachment)
        guard report.verdict.indication != .totalFailed else {
            return (
                report, nil,
                [
                    .failed(
                        "identity",
                        "the seal over \(DocumentIdentity.fileName) does not hold: nothing it names can be believed",
                        report.verdict.subIndication ?? .sigCryptoFailure)
                ]
            )
        }
        do {
            let identity = try APIJSON.decoder.decode(DocumentIdentity.self, from: sealed.bytes)
            guard identity.format == DocumentIdentity.currentFormat else {
                report.add(
                    .failed(
                        "identity-format",
                        "\(DocumentIdentity.fileName) is in format \(identity.format), "
                            + "not \(DocumentIdentity.currentFormat)",
                        .formatFailure))
                return (report, nil, [])
            }
            return (
                report, identity,
                [.passed("identity", "\(identity.numberAndSymbol) of \(identity.issuer.name), sealed by its issuer")]
            )
        } catch {
            report.add(
                .failed(
                    "identity-format", "\(DocumentIdentity.fileName) is sealed but not a LienThong identity: \(error)",
                    .formatFailure))
            return (report, nil, [])
        }
    }

    /// The folder holds exactly the listed files, their signatures and the export's own files:
    /// no duplicates, no names outside it, no symbolic links.
    private func folderChecks(_ names: [String], extra: Set<String>) -> [Check] {
        var checks: [Check] = []
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            checks.append(.failed("listed-files", "\(name) is listed twice", .formatFailure))
        }
        for name in names
        where name.isEmpty || name.contains("/") || name == "." || name == ".." || extra.contains(name) {
            checks.append(
                .failed(
                    "listed-files",
                    "\"\(name)\" cannot be a file of the document: it would lie outside the folder or "
                        + "stand for the export's own files", .formatFailure))
        }
        let expected = Set(names.flatMap { [$0, "\($0).p7s"] }).union(extra)
        let present = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        for name in present.sorted() where !expected.contains(name) {
            checks.append(
                .failed(
                    "unlisted-file", "\(name) is in the folder but is not one of the document's files", .formatFailure))
        }
        for name in present.sorted() where expected.contains(name) {
            let attributes = try? FileManager.default.attributesOfItem(
                atPath: directory.appendingPathComponent(name).path)
            if attributes?[.type] as? FileAttributeType != .typeRegular {
                checks.append(
                    .failed(
                        "regular-file",
                        "\(name) is not a regular file (a link or a folder): verify reads only the export's own bytes",
                        .formatFailure))
            }
        }
        return checks
    }

    private func verifyFile(_ entry: Entry, _ verifier: SignatureVerifier) -> FileReport {
        let content = directory.appendingPathComponent(entry.name)
        let missing = { (what: String) in
            FileReport(
                name: entry.name, sha256: nil, expectation: entry.expectation, signatures: [],
                checks: [.failed("file-present", what, .formatFailure)],
                verdict: Verdict(indication: .totalFailed, subIndication: .formatFailure))
        }
        guard !entry.name.contains("/"), FileManager.default.fileExists(atPath: content.path) else {
            return missing("\(entry.name) is missing from the folder")
        }
        guard let signature = FileManager.default.contents(atPath: content.path + ".p7s") else {
            return missing("\(entry.name).p7s, its signature, is missing from the folder")
        }
        var report = verifier.verify(
            content: content, signature: signature, name: entry.name, expecting: entry.expectation)
        if let sha = report.sha256 {
            let source = sealedIdentity == nil ? "the sender registered" : "the sealed identity names"
            report.add(
                sha == entry.sha256.lowercased()
                    ? .passed("identity-hash", "SHA-256 matches the one \(source)")
                    : .failed(
                        "identity-hash",
                        "SHA-256 \(sha) differs from the \(entry.sha256) \(source): this is another file", .hashFailure)
            )
        }
        return report
    }

    /// The identity's bytes in a file of their own, for the verifier that reads files.
    private static func staging(_ bytes: Data) -> (URL, () -> Void) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-identity-\(UUID().uuidString).json")
        FileManager.default.createFile(atPath: url.path, contents: bytes, attributes: [.posixPermissions: 0o600])
        return (url, { try? FileManager.default.removeItem(at: url) })
    }

    /// All the signatures in the folder, for fetching revocation information before verifying
    /// (nothing is believed here: the names are only where to look).
    func signatures() -> [Data] {
        let listed = sealedIdentity.flatMap { try? APIJSON.decoder.decode(DocumentIdentity.self, from: $0.bytes) }?
            .files.map(\.name)
        let names = listed ?? manifest?.files.map(\.name) ?? []
        return
            ([sealedIdentity?.signature]
            + names.map { FileManager.default.contents(atPath: directory.appendingPathComponent("\($0).p7s").path) })
            .compactMap { $0 }
    }
}
