import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongRegistry

/// What a restore needs beyond the registry and its files.
struct RestoreNeeds: Sendable {
    /// The key passphrase file, when it lies in the data directory (the default): copied.
    let passphraseFile: URL?
    /// What a backup does not copy, for the administrator to carry: the certificates and keys, and
    /// a passphrase kept outside the data directory.
    let elsewhere: [String]
}

/// Backups and integrity checks, for the administrators of a top-level agency.
struct Maintenance {
    let registry: Registry
    let blobs: BlobStore
    let restoreNeeds: RestoreNeeds
    let now: @Sendable () -> Date

    /// Copies the registry (SQLite's online backup, one consistent moment) and every file it names
    /// into `directory`, which then serves as a data directory: `LIENTHONG_DATA_DIRECTORY=DIR lienthongd`.
    /// Stored files never change once written, so copying them after the snapshot is consistent.
    func backup(to path: String) throws -> BackupReport {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw Problem.invalid("the backup directory is an absolute path on the daemon's machine, without ..")
        }
        let directory = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw Problem(
                    "backup-directory-not-empty", status: 409, title: "The backup directory is not empty",
                    detail:
                        "\(path) exists and is not an empty directory; choose a new one so that no backup is overwritten"
                )
            }
        }
        let createdAt = now()
        do {
            try manager.createDirectory(
                at: directory.appendingPathComponent("blobs"), withIntermediateDirectories: true)
            let copy = try registry.backup(to: directory.appendingPathComponent("registry.sqlite").path)
            let target = try BlobStore(root: directory.appendingPathComponent("blobs"))
            var bytes = copy.held.bytes
            for sha in copy.files {
                let destination = target.url(for: sha)
                try manager.createDirectory(
                    at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                // A hard link where the file system allows it: the same immutable bytes, no copy.
                if link(blobs.url(for: sha).path, destination.path) != 0 {
                    try manager.copyItem(at: blobs.url(for: sha), to: destination)
                }
                bytes += Int64(
                    (try manager.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value ?? 0)
            }
            // Without the passphrase the copy cannot sign: a restore needs it beside the registry.
            if let passphrase = restoreNeeds.passphraseFile {
                let target = directory.appendingPathComponent("key-passphrase")
                try manager.copyItem(at: passphrase, to: target)
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
            }
            return BackupReport(
                directory: path, documents: copy.documents, files: copy.files.count + copy.held.count, bytes: bytes,
                auditHead: copy.auditHead, createdAt: createdAt, carrySeparately: restoreNeeds.elsewhere)
        } catch let problem as Problem {
            throw problem
        } catch {
            throw Problem(
                "backup-failed", status: 500, title: "The backup could not be made",
                detail: "writing \(path): \(error.localizedDescription)")
        }
    }

    /// Hashes every stored file and every signature the registry holds again, and checks the audit chain.
    func check() throws -> CheckReport {
        let held = try registry.checkHeldBlobs()
        var problems = try held.changed.map {
            CheckReport.Problem(sha256: $0, kind: "changed", documents: try registry.documents(using: $0))
        }
        var bytes = held.bytes
        let files = try registry.blobHashes().sorted()
        for sha in files {
            let url = blobs.url(for: sha)
            let actual = try? Digest.sha256(of: url)
            if actual != sha {
                problems.append(
                    CheckReport.Problem(
                        sha256: sha, kind: actual == nil ? "missing" : "changed",
                        documents: try registry.documents(using: sha)))
            }
            bytes += Int64(
                (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        let (rows, rowProblems) = try registry.checkRowSeals()
        return CheckReport(
            files: files.count + held.count, bytes: bytes, problems: problems, rows: rows,
            rowProblems: rowProblems.map {
                CheckReport.RowProblem(table: $0.table, row: $0.row, kind: $0.kind.rawValue, detail: $0.detail)
            },
            audit: try auditCheck())
    }

    /// The whole audit chain checked, as the API says it.
    func auditCheck() throws -> AuditCheck {
        let audit = try registry.verifyAudit()
        return AuditCheck(
            entries: audit.entries, headHash: audit.headHash, firstBroken: audit.firstBroken, problem: audit.problem)
    }
}
