import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongRegistry

/// What a restore needs beyond the registry and its files.
package struct RestoreNeeds: Sendable {
    /// The key passphrase file, when it lies in the data directory (the default): copied.
    package let passphraseFile: URL?
    /// What a backup does not copy, for the administrator to carry: the certificates and keys, and
    /// a passphrase kept outside the data directory.
    package let elsewhere: [String]
}

/// Backups and integrity checks, for the administrators of a top-level agency.
package struct Maintenance: Sendable {
    package let registry: Registry
    package let blobs: BlobStore
    /// Where backups and checks copy and hash, off Swift's cooperative threads.
    package let disk: DiskWork
    package let restoreNeeds: RestoreNeeds
    package let now: @Sendable () -> Date

    /// The audit log, backups and checks span every agency: for the administrators of a top-level agency only.
    private func requireAuditor(_ caller: UserRecord) throws {
        try Permissions(caller).require(
            .audit(topLevel: try registry.directory.agency(caller.agencyCode)?.parentCode == nil))
    }

    /// Ready when the registry answers and the file store takes a write.
    package func readiness() throws {
        do {
            _ = try registry.documents.documentCount()
            let (staged, handle) = try blobs.stagingFile()
            try handle.close()
            blobs.discard(staged)
        } catch {
            throw Refusal.notReady("the registry or the file store does not answer: \(error)")
        }
    }

    /// Signatures sent without a time stamp, waiting for the TSA: a queue depth for the metrics.
    package func timeStampsPending() throws -> Int { try registry.documents.countAwaitingTimeStamp() }

    /// The newest `limit` entries of the audit log.
    package func auditEntries(limit: Int?, caller: UserRecord) throws -> [AuditEntry] {
        try requireAuditor(caller)
        let limit = limit ?? 50
        guard (1...10_000).contains(limit) else {
            throw Refusal.invalidRequest("limit is a number of entries from 1 to 10000")
        }
        return try registry.audit.entries(limit: limit).map {
            AuditEntry(
                id: $0.id ?? 0, at: $0.at, actor: $0.actor, agency: $0.agencyCode, action: $0.action,
                subject: $0.subject, detail: $0.detail, hash: $0.hash)
        }
    }

    /// - Parameter directory: where to, asked once the caller may back up, so that whoever may not learns
    ///   nothing of how the request should have been made.
    package func backup(caller: UserRecord, to directory: () async throws -> String) async throws -> BackupReport {
        try requireAuditor(caller)
        return try await backup(to: directory())
    }

    package func check(caller: UserRecord) async throws -> CheckReport {
        try requireAuditor(caller)
        return try await disk.run { [self] in try check() }
    }

    package func auditCheck(caller: UserRecord) async throws -> AuditCheck {
        try requireAuditor(caller)
        return try await disk.run { [self] in try auditCheck() }
    }

    /// Copies the registry (SQLite's online backup, one consistent moment) and every file it names
    /// into `directory`, which then serves as a data directory: `LIENTHONG_DATA_DIRECTORY=DIR lienthongd`.
    /// Stored files never change once written, so copying them after the snapshot is consistent.
    private func backup(to path: String) async throws -> BackupReport {
        guard path.hasPrefix("/"), !path.split(separator: "/").contains("..") else {
            throw Refusal.invalidRequest("the backup directory is an absolute path on the daemon's machine, without ..")
        }
        let directory = URL(fileURLWithPath: path)
        let manager = FileManager.default
        if manager.fileExists(atPath: path) {
            guard (try? manager.contentsOfDirectory(atPath: path))?.isEmpty == true else {
                throw Refusal.backupDirectoryNotEmpty(
                    "\(path) exists and is not an empty directory; choose a new one so that no backup is overwritten")
            }
        }
        let createdAt = now()
        do {
            try manager.createDirectory(
                at: directory.appendingPathComponent("blobs"), withIntermediateDirectories: true)
            let copy = try await registry.maintenance.backup(
                to: directory.appendingPathComponent("registry.sqlite").path)
            let target = try BlobStore(root: directory.appendingPathComponent("blobs"))
            let bytes = try await disk.run { [blobs] in try Self.linkFiles(copy.files, from: blobs, to: target) }
            // Without the passphrase the copy cannot sign: a restore needs it beside the registry.
            if let passphrase = restoreNeeds.passphraseFile {
                let target = directory.appendingPathComponent("key-passphrase")
                try manager.copyItem(at: passphrase, to: target)
                try manager.setAttributes([.posixPermissions: 0o600], ofItemAtPath: target.path)
            }
            return BackupReport(
                directory: path, documents: copy.documents, files: copy.files.count + copy.held.count,
                bytes: copy.held.bytes + bytes,
                auditHead: copy.auditHead, createdAt: createdAt, carrySeparately: restoreNeeds.elsewhere)
        } catch let refusal as Refusal {
            throw refusal
        } catch {
            throw Refusal.backupFailed(
                "writing \(path): \(error.localizedDescription)")
        }
    }

    /// Links (or, across file systems, copies) `files` from `blobs` into `target`; returns their bytes.
    private static func linkFiles(_ files: Set<String>, from blobs: BlobStore, to target: BlobStore) throws -> Int64 {
        let manager = FileManager.default
        var bytes: Int64 = 0
        for sha in files {
            let destination = target.url(for: sha)
            try manager.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
            // A hard link where the file system allows it: the same immutable bytes, no copy.
            if link(blobs.url(for: sha).path, destination.path) != 0 {
                try manager.copyItem(at: blobs.url(for: sha), to: destination)
            }
            bytes += Int64(
                (try manager.attributesOfItem(atPath: destination.path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        return bytes
    }

    /// Hashes every stored file and every signature the registry holds again, and checks the audit chain.
    private func check() throws -> CheckReport {
        let held = try registry.maintenance.checkHeldBlobs()
        var problems = try held.changed.map {
            CheckReport.Problem(sha256: $0, kind: "changed", documents: try registry.maintenance.documents(using: $0))
        }
        var bytes = held.bytes
        let files = try registry.maintenance.blobHashes().sorted()
        for sha in files {
            let url = blobs.url(for: sha)
            let actual = try? Digest.sha256(of: url)
            if actual != sha {
                problems.append(
                    CheckReport.Problem(
                        sha256: sha, kind: actual == nil ? "missing" : "changed",
                        documents: try registry.maintenance.documents(using: sha)))
            }
            bytes += Int64(
                (try? FileManager.default.attributesOfItem(atPath: url.path)[.size] as? NSNumber)?.int64Value ?? 0)
        }
        let (rows, rowProblems) = try registry.maintenance.checkRowSeals()
        return CheckReport(
            files: files.count + held.count, bytes: bytes, problems: problems, rows: rows,
            rowProblems: rowProblems.map {
                CheckReport.RowProblem(table: $0.table, row: $0.row, kind: $0.kind.rawValue, detail: $0.detail)
            },
            audit: try auditCheck())
    }

    /// The whole audit chain checked, as the API says it.
    private func auditCheck() throws -> AuditCheck {
        let audit = try registry.audit.verify()
        return AuditCheck(
            entries: audit.entries, headHash: audit.headHash, firstBroken: audit.firstBroken, problem: audit.problem)
    }
}
