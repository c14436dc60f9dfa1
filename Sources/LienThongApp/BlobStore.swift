import Foundation
import LienThongCrypto
import LienThongPDF
import LienThongRegistry

#if canImport(Glibc)
import Glibc
#endif

/// Files stored by the SHA-256 of their bytes under `blobs/ab/abcdef…`, written durably: a
/// temporary file is fsynced, renamed into place, and its directory fsynced, before anyone is
/// told it is stored.
package struct BlobStore: Sendable {
    package let root: URL
    /// Where files are written before they are committed; emptied at every start.
    package let staging: URL

    package init(root: URL) throws {
        self.root = root
        staging = root.appendingPathComponent("staging")
        try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true)
    }

    package func url(for sha256: String) -> URL {
        root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
    }

    package func contains(_ sha256: String) -> Bool { FileManager.default.fileExists(atPath: url(for: sha256).path) }

    /// A file to write into before `commit`; removed by `discard` when anything goes wrong.
    /// (`open(2)` directly: FileManager's `createFile` writes an empty file atomically through a
    /// temporary one of its own, which was an eighth of a send's time.)
    package func stagingFile() throws -> (URL, FileHandle) {
        let url = staging.appendingPathComponent(UUID().uuidString)
        let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path]) }
        return (url, FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
    }

    /// Makes a fully written staging file durable under its hash.
    package func commit(_ staged: URL, sha256: String) throws {
        let target = url(for: sha256)
        let directory = target.deletingLastPathComponent()
        guard mkdir(directory.path, 0o755) == 0 || errno == EEXIST else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory.path])
        }
        if FileManager.default.fileExists(atPath: target.path) {
            // Same hash, same bytes: the stored copy is already durable.
            try? FileManager.default.removeItem(at: staged)
            return
        }
        guard rename(staged.path, target.path) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: target.path])
        }
        try Self.syncDirectory(directory)
    }

    package func discard(_ staged: URL) { try? FileManager.default.removeItem(at: staged) }

    /// The bytes of a blob the registry holds (a signature), or else of the file stored here (a
    /// signature filed before the registry held them).
    package func bytes(of sha256: String, heldBy registry: Registry) throws -> Data {
        if let held = try registry.documents.heldBytes(sha256) { return held }
        return try Data(contentsOf: url(for: sha256))
    }

    /// Removes what a crash can leave behind: half-written staging files, and stored files that no
    /// registry row names (a signature made for a send that was never filed). Run before serving.
    /// - Returns: how many files were removed.
    package func removeOrphans(keeping known: Set<String>) throws -> Int {
        var removed = 0
        let manager = FileManager.default
        for name in try manager.contentsOfDirectory(atPath: staging.path) {
            try manager.removeItem(at: staging.appendingPathComponent(name))
            removed += 1
        }
        for prefix in try manager.contentsOfDirectory(atPath: root.path) where prefix.count == 2 {
            let directory = root.appendingPathComponent(prefix)
            for name in try manager.contentsOfDirectory(atPath: directory.path) where !known.contains(name) {
                try manager.removeItem(at: directory.appendingPathComponent(name))
                removed += 1
            }
        }
        return removed
    }

    package static func syncDirectory(_ directory: URL) throws {
        let descriptor = open(directory.path, O_RDONLY)
        guard descriptor >= 0 else {
            throw CocoaError(.fileReadUnknown, userInfo: [NSFilePathErrorKey: directory.path])
        }
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: directory.path])
        }
    }
}

extension BlobStore {
    /// Keeps a PDF signed in the staging area durably under its hash, off the cooperative threads; with the hash of
    /// each of its revisions, from the same pass.
    package func keep(
        _ pdf: SignedPDF, at now: Date, disk: DiskWork = .shared
    ) async throws -> (blob: BlobRecord, revisionHashes: [String]) {
        try await disk.run { [self] in
            let (file, hashes) = try pdf.keep(in: staging)
            do {
                try commit(file, sha256: hashes.last!)
            } catch {
                discard(file)
                throw error
            }
            return (BlobRecord(sha256: hashes.last!, size: Int64(pdf.count), createdAt: now), hashes)
        }
    }
}
