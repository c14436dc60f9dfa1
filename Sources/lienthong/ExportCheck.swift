import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongDomain

/// A folder written by `lienthong get`, verified as a whole: the issuer's seal over the document's
/// identity (`identity.json`), every file it lists with its own signatures and its sealed SHA-256,
/// each file's signatures bound to that document, the same agency behind all of them, and nothing
/// else in the folder.
///
/// `manifest.json` is a convenience anyone can edit: with a sealed identity it decides nothing.
/// Exports made before identities were sealed (their files name no document) are verified from
/// it as before, with a warning; an export whose files name a document but lacks its identity fails.
struct ExportCheck {
    let directory: URL
    let manifest: ExportManifest?
    /// The identity's exact bytes and its seal, when the export has them.
    let sealedIdentity: (bytes: Data, signature: Data)?

    /// The identity, decoded from the bytes the seal covers, once its seal holds (TOTAL_PASSED).
    private(set) var identity: DocumentIdentity?

    /// An identity, a manifest or a signature is kilobytes; a CAdES-LT signature with a government CRL, megabytes.
    static let largestOwnFile = 64 << 20

    init(directory: URL) throws {
        self.directory = directory
        if let bytes = try Self.readRegular(directory, DocumentIdentity.fileName) {
            guard let signature = try Self.readRegular(directory, DocumentIdentity.signatureName) else {
                throw Client.Failure(
                    description: "\(directory.path) has \(DocumentIdentity.fileName) "
                        + "without its seal \(DocumentIdentity.signatureName)")
            }
            sealedIdentity = (bytes, signature)
        } else {
            sealedIdentity = nil
        }
        if let data = try Self.readRegular(directory, "manifest.json") {
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

    /// A regular file of the folder (not a link, a pipe or a device), at most `largestOwnFile`
    /// bytes; nil when there is none.
    private static func readRegular(_ directory: URL, _ name: String) throws -> Data? {
        let path = directory.appendingPathComponent(name).path
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        guard attributes[.type] as? FileAttributeType == .typeRegular else {
            throw Client.Failure(
                description: "\(path) is not a regular file (a link, a pipe or a folder): "
                    + "verify reads only the export's own bytes")
        }
        guard (attributes[.size] as? Int ?? 0) <= largestOwnFile,
            let data = FileManager.default.contents(atPath: path)
        else {
            throw Client.Failure(description: "\(path) is larger than \(largestOwnFile) bytes or cannot be read")
        }
        return data
    }

    private static func isRegularFile(_ url: URL) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: url.path))?[.type] as? FileAttributeType == .typeRegular
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
        var listed: DocumentIdentity?

        if let sealedIdentity {
            let (report, decoded, identityChecks) = verifyIdentity(sealedIdentity, verifier)
            files.append(report)
            checks += identityChecks
            listed = decoded
            identity = report.verdict == .passed ? decoded : nil
            if let decoded {
                entries = decoded.files.map {
                    Entry(
                        name: $0.name, expectation: $0.role == "document" ? .document : .attachment, sha256: $0.sha256)
                }
                let positions = decoded.files.map(\.position)
                if positions != Array(positions.indices) || decoded.files.first?.role != "document" {
                    checks.append(
                        .failed(
                            .identityFiles,
                            "the sealed identity does not list the main document first, "
                                + "then its attachments in order", .formatFailure))
                }
                if let manifest,
                    manifest.files.map(\.name) != decoded.files.map(\.name)
                        || manifest.files.map({ $0.sha256.lowercased() })
                            != decoded.files.map({ $0.sha256.lowercased() })
                {
                    checks.append(
                        .warning(
                            .manifest,
                            "manifest.json differs from the sealed identity; "
                                + "the sealed identity is what counts"))
                }
            }
        } else if let manifest {
            entries = manifest.files.map {
                Entry(name: $0.name, expectation: $0.kind == "document" ? .document : .attachment, sha256: $0.sha256)
            }
            if manifest.files.first?.kind != "document" {
                checks.append(
                    .failed(.mainDocument, "the manifest does not start with the main document", .formatFailure))
            }
        }

        checks += folderChecks(entries.map(\.name))
        let fileReports = entries.map { verifyFile($0, verifier) }
        files += fileReports
        checks += bindingChecks(fileReports, listed: listed, identitySeal: sealedIdentity == nil ? nil : files.first)
        return VerificationReport(files: files, checks: checks, validationTime: Date())
    }

    /// Each file's signatures name the identity's document; the same agency sealed the identity and
    /// every file. Without an identity, files that name a document show that it was taken out.
    private func bindingChecks(_ reports: [FileReport], listed: DocumentIdentity?, identitySeal: FileReport?) -> [Check]
    {
        guard let listed, let identitySeal else {
            if let bound = reports.compactMap(\.documentID).first {
                return [
                    .failed(
                        .identityMissing,
                        "these files were signed for document \(bound), whose sealed identity "
                            + "(\(DocumentIdentity.fileName)) is missing from the folder: it was taken out",
                        .formatFailure)
                ]
            }
            return sealedIdentity == nil
                ? [
                    .warning(
                        .identitySealed,
                        "this export has no sealed identity (it was made before LienThong sealed "
                            + "identities): its number, symbol, subject and list of files come from manifest.json, "
                            + "which anyone can edit")
                ]
                : []
        }
        var checks: [Check] = []
        for report in reports where report.documentID != listed.id || report.isDocumentIdentity {
            let named = report.documentID.map { "was signed for document \($0)" } ?? "names no document"
            checks.append(
                .failed(
                    .documentBinding,
                    "\(report.name) \(named), not \(listed.numberAndSymbol) (\(listed.id)): "
                        + "it comes from another document", .sigConstraintsFailure))
        }
        guard let agency = identitySeal.signatures.first(where: { $0.role == .seal }) else { return checks }
        let strangers = reports.flatMap { $0.signatures.filter { $0.role == .seal } }
            .filter { $0.subject != agency.subject || $0.issuer != agency.issuer }
        let sealer = agency.commonName ?? agency.subject
        checks.append(
            strangers.isEmpty
                ? .passed(.identityAgency, "the identity and every file are sealed by \(sealer)")
                : .failed(
                    .identityAgency,
                    "\(strangers.map { $0.commonName ?? $0.subject }.joined(separator: ", ")) sealed "
                        + "files of a document whose identity \(sealer) sealed: they come from another agency",
                    .sigConstraintsFailure))
        return checks
    }

    /// The identity's seal, and the identity decoded from the bytes it covers.
    private func verifyIdentity(
        _ sealed: (bytes: Data, signature: Data), _ verifier: SignatureVerifier
    )
        -> (FileReport, DocumentIdentity?, [Check])
    {
        let (staged, cleanup) = Self.staging(sealed.bytes)
        defer { cleanup() }
        var report = verifier.verify(
            content: staged, signature: sealed.signature, name: DocumentIdentity.fileName,
            expecting: .attachment)
        guard report.verdict.indication != .totalFailed else {
            return (
                report, nil,
                [
                    .failed(
                        .identity,
                        "the seal over \(DocumentIdentity.fileName) does not hold: "
                            + "nothing it names can be believed", report.verdict.subIndication ?? .sigCryptoFailure)
                ]
            )
        }
        guard report.isDocumentIdentity else {
            report.add(
                .failed(
                    .identitySeal,
                    "\(DocumentIdentity.fileName) carries a file's seal, not the seal LienThong "
                        + "makes over a document's identity: an attachment cannot stand for it", .sigConstraintsFailure)
            )
            return (report, nil, [])
        }
        let identity: DocumentIdentity
        do {
            identity = try APIJSON.decoder.decode(DocumentIdentity.self, from: sealed.bytes)
        } catch {
            report.add(
                .failed(
                    .identityFormat, "\(DocumentIdentity.fileName) is sealed but not a LienThong identity: \(error)",
                    .formatFailure))
            return (report, nil, [])
        }
        guard identity.format == DocumentIdentity.currentFormat, report.documentID == identity.id else {
            report.add(
                .failed(
                    .identityFormat,
                    "\(DocumentIdentity.fileName) is in format \(identity.format) for document "
                        + "\(identity.id), its seal for \(report.documentID ?? "no document")", .formatFailure))
            return (report, nil, [])
        }
        let check: Check =
            report.verdict == .passed
            ? .passed(.identity, "\(identity.numberAndSymbol) of \(identity.issuer.name), sealed by its issuer")
            : .warning(
                .identity,
                "the seal over \(DocumentIdentity.fileName) is not yet proven "
                    + "(\(report.verdict.indication.rawValue)): the document's identity is not shown")
        return (report, identity, [check])
    }

    /// The folder holds exactly the listed files, their signatures and the export's own files,
    /// names compared byte for byte: no duplicates (in any Unicode normal form), no names outside
    /// it, no links, pipes or folders.
    private func folderChecks(_ names: [String]) -> [Check] {
        var checks: [Check] = []
        var seen: Set<String> = []
        for name in names where !seen.insert(name).inserted {
            checks.append(.failed(.listedFiles, "\(name) is listed twice", .formatFailure))
        }
        for name in names {
            do {
                guard try DocumentFileName.check(name) == name else {
                    throw DomainError.invalid(field: "file name", value: name, rule: "names are kept in NFC")
                }
            } catch {
                checks.append(
                    .failed(.listedFiles, "\"\(name)\" cannot be a file of the document: \(error)", .formatFailure))
            }
        }
        guard let present = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            return checks + [
                .failed(
                    .unlistedFile,
                    "the folder \(directory.path) cannot be listed, so what else it holds "
                        + "cannot be known", .formatFailure)
            ]
        }
        let expected = Set((names.flatMap { [$0, "\($0).p7s"] } + DocumentFileName.reserved).map { Array($0.utf8) })
        for name in present.sorted() {
            let url = directory.appendingPathComponent(name)
            if !expected.contains(Array(name.utf8)) {
                checks.append(
                    .failed(
                        .unlistedFile, "\(name) is in the folder but is not one of the document's files",
                        .formatFailure))
            } else if !Self.isRegularFile(url) {
                checks.append(
                    .failed(
                        .regularFile,
                        "\(name) is not a regular file (a link, a pipe or a folder): "
                            + "verify reads only the export's own bytes", .formatFailure))
            }
        }
        return checks
    }

    private func verifyFile(_ entry: Entry, _ verifier: SignatureVerifier) -> FileReport {
        let content = directory.appendingPathComponent(entry.name)
        let refused = { (what: String) in
            FileReport(
                name: entry.name, sha256: nil, expectation: entry.expectation, signatures: [],
                checks: [.failed(.filePresent, what, .formatFailure)],
                verdict: Verdict(indication: .totalFailed, subIndication: .formatFailure))
        }
        guard !entry.name.isEmpty, !entry.name.contains("/"), !DocumentFileName.reserved.contains(entry.name),
            FileManager.default.fileExists(atPath: content.path)
        else {
            return refused("\(entry.name) is missing from the folder")
        }
        guard Self.isRegularFile(content) else { return refused("\(entry.name) is not a regular file") }
        let signature: Data
        do {
            guard let read = try Self.readRegular(directory, "\(entry.name).p7s") else {
                return refused("\(entry.name).p7s, its signature, is missing from the folder")
            }
            signature = read
        } catch {
            return refused("\(error)")
        }
        var report = verifier.verify(
            content: content, signature: signature, name: entry.name, expecting: entry.expectation)
        if let sha = report.sha256 {
            let source = sealedIdentity == nil ? "the sender registered" : "the sealed identity names"
            report.add(
                sha == entry.sha256.lowercased()
                    ? .passed(.identityHash, "SHA-256 matches the one \(source)")
                    : .failed(
                        .identityHash,
                        "SHA-256 \(sha) differs from the \(entry.sha256) \(source): this is another file",
                        .hashFailure))
        }
        return report
    }

    /// The identity's bytes in a file of their own, for the verifier that reads files.
    private static func staging(_ bytes: Data) -> (URL, () -> Void) {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "lienthong-identity-\(UUID().uuidString).json")
        // Unwritten, it reads as missing and the verifier fails the identity: never a pass.
        _ = FileManager.default.createFile(atPath: url.path, contents: bytes, attributes: [.posixPermissions: 0o600])
        return (url, { try? FileManager.default.removeItem(at: url) })
    }

    /// The signatures in the folder, for fetching revocation information before verifying
    /// (nothing is believed here: the names are only where to look).
    func signatures() -> [Data] {
        let listed = sealedIdentity.flatMap { try? APIJSON.decoder.decode(DocumentIdentity.self, from: $0.bytes) }?
            .files
            .map(\.name)
        let names = (listed ?? manifest?.files.map(\.name) ?? []).filter { !$0.contains("/") }
        return [sealedIdentity?.signature].compactMap { $0 }
            + names.compactMap { try? Self.readRegular(directory, "\($0).p7s") }
    }
}
