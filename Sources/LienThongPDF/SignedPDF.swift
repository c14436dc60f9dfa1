import Foundation
import LienThongCrypto
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A PDF and the revisions LienThong appended to it, each with what it holds and where it ends: what the registry
/// keeps (each revision's length and hash), so that any earlier state of the document can be shown to be a prefix of
/// the one filed.
///
/// The bytes are held in memory, or, for the daemon's documents, in a working file each revision is appended to: a
/// 500 MB PDF is then signed without being held in memory (only the pages qpdf reads are mapped in). Copies of a
/// `SignedPDF` are independent, as values are: the first change to a shared file copies it.
public struct SignedPDF: Sendable {
    public struct Revision: Sendable, Equatable {
        /// What the revision holds, in a word or two: "draft", "approval", "seal", "validation data", ….
        public var content: String
        /// Where it ends: the file's first `length` bytes are the document as it was then.
        public var length: Int
    }

    private var storage: Storage
    public private(set) var revisions: [Revision]

    /// The file as it came, a revision of its own (however many it holds).
    public init(_ original: Data, content: String) {
        storage = Storage(memory: ByteSource(original))
        revisions = [Revision(content: content, length: original.count)]
    }

    /// A working copy of the file at `url` in `directory`, which should be on the file system where the signed file
    /// will be kept (``keep(in:)`` then hands the file over as it is). The working file is removed when the last
    /// copy of this value that uses it goes, unless it was kept.
    public init(copying url: URL, into directory: URL, content: String) throws {
        storage = try Storage(copying: url, into: directory)
        revisions = [Revision(content: content, length: storage.bytes.count)]
    }

    /// The bytes as they are now.
    public var bytes: ByteSource { storage.bytes }
    /// The bytes as they are now, as `Data` (a view, not a copy, of a working file).
    public var data: Data { storage.bytes.data }
    public var count: Int { storage.bytes.count }

    /// The file with `tail` appended as the revision `content`; nothing is recorded for an empty tail.
    mutating func append(_ tail: Data, _ content: String) throws {
        guard !tail.isEmpty else { return }
        try unique().append(tail)
        revisions.append(Revision(content: content, length: count))
    }

    /// Writes `bytes` over the file from `offset` on: a signature filled into the room its revision kept for it.
    mutating func overwrite(at offset: Int, with bytes: [UInt8]) throws {
        try unique().overwrite(at: offset, with: bytes)
    }

    /// The file, made durable in `directory` for the caller to keep (to rename into a store), with the SHA-256 of
    /// each revision (the last is the whole file's), all from one pass over it. A working file in `directory` is
    /// handed over as it is; a PDF held in memory is written there.
    public func keep(in directory: URL) throws -> (file: URL, revisionHashes: [String]) {
        var digest = StreamingDigest(.sha256)
        var hashes: [String] = []
        var start = 0
        for revision in revisions {
            bytes.forEachChunk(in: start..<revision.length) { digest.update($0) }
            hashes.append(digest.snapshotHex())
            start = revision.length
        }
        return (try storage.keep(in: directory), hashes)
    }

    private mutating func unique() throws -> Storage {
        if !isKnownUniquelyReferenced(&storage) || storage.kept { storage = try storage.copy() }
        return storage
    }
}

extension SignedPDF {
    /// Where a signed PDF's bytes are: memory, or a working file that only grows (or has a signature written into
    /// the room kept for it), mapped again after each change.
    fileprivate final class Storage: @unchecked Sendable {
        private(set) var bytes: ByteSource
        /// The working file and its descriptor, opened for writing; nil in memory.
        private let file: (url: URL, directory: URL, descriptor: Int32)?
        /// Handed over to be kept: no longer this value's to change or remove (any copy may ask, from any task).
        private let handedOver = Atomic<Bool>(false)
        var kept: Bool { handedOver.load(ordering: .acquiring) }

        init(memory: ByteSource) {
            bytes = memory
            file = nil
        }

        convenience init(copying url: URL, into directory: URL) throws {
            let source = open(url.path, O_RDONLY | O_CLOEXEC)
            guard source >= 0 else { throw FileError("the PDF", "opening") }
            defer { close(source) }
            var status = stat()
            guard fstat(source, &status) == 0 else { throw FileError("the PDF", "reading") }
            try self.init(copying: Int(status.st_size), of: source, into: directory)
        }

        /// A working file in `directory` holding the first `length` bytes of `source`.
        init(copying length: Int, of source: Int32, into directory: URL) throws {
            let working = directory.appendingPathComponent("pdf-\(UUID().uuidString)")
            let descriptor = open(working.path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard descriptor >= 0 else { throw FileError("a working copy of the PDF", "making") }
            do {
                try FileCopy.copy(length, from: source, to: descriptor, "a working copy of the PDF")
                bytes = try ByteSource(descriptor: descriptor, path: working.path, length: length)
            } catch {
                close(descriptor)
                unlink(working.path)
                throw error
            }
            file = (working, directory, descriptor)
        }

        deinit {
            guard let file else { return }
            close(file.descriptor)
            if !kept { unlink(file.url.path) }
        }

        func copy() throws -> Storage {
            guard let file else { return Storage(memory: bytes) }
            return try Storage(copying: bytes.count, of: file.descriptor, into: file.directory)
        }

        func append(_ tail: Data) throws {
            guard let file else {
                bytes = ByteSource(concatenating: [bytes.data, tail])
                return
            }
            try write(tail, at: bytes.count, to: file)
        }

        func overwrite(at offset: Int, with replacement: [UInt8]) throws {
            precondition(offset >= 0 && offset + replacement.count <= bytes.count, "a write outside the file")
            guard let file else {
                // New memory: the old may be another copy's.
                let data = bytes.data
                bytes = ByteSource(concatenating: [
                    data.prefix(offset), Data(replacement), data.dropFirst(offset + replacement.count),
                ])
                return
            }
            try write(Data(replacement), at: offset, to: file)
        }

        func keep(in directory: URL) throws -> URL {
            guard let file, file.directory.standardizedFileURL == directory.standardizedFileURL else {
                let url = directory.appendingPathComponent("pdf-\(UUID().uuidString)")
                let descriptor = open(url.path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
                guard descriptor >= 0 else { throw FileError("the signed PDF", "writing") }
                defer { close(descriptor) }
                do {
                    var offset = 0
                    try bytes.forEachChunk(in: 0..<bytes.count) { chunk in
                        try FileCopy.write(chunk, at: offset, to: descriptor, "the signed PDF")
                        offset += chunk.count
                    }
                    guard fsync(descriptor) == 0 else { throw FileError("the signed PDF", "writing") }
                } catch {
                    unlink(url.path)
                    throw error
                }
                return url
            }
            guard fsync(file.descriptor) == 0 else { throw FileError("the signed PDF", "writing") }
            handedOver.store(true, ordering: .releasing)
            return file.url
        }

        /// Writes `data` at `offset`, then maps the file again; a failed write is cut back off, so that nothing
        /// half-written is ever read as part of the document.
        private func write(_ data: Data, at offset: Int, to file: (url: URL, directory: URL, descriptor: Int32)) throws
        {
            let length = max(bytes.count, offset + data.count)
            do {
                try data.withUnsafeBytes { try FileCopy.write($0, at: offset, to: file.descriptor, "the working copy") }
            } catch {
                ftruncate(file.descriptor, off_t(bytes.count))
                throw error
            }
            bytes = try ByteSource(descriptor: file.descriptor, path: file.url.path, length: length)
        }
    }
}
