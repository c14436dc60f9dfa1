import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's bytes, held in memory or, for a large file, mapped read-only: a 500 MB signed PDF then costs only the
/// pages that are read (qpdf reads objects on demand), and passes over the whole file (hashing, scanning) go
/// through ``forEachChunk(in:_:)``, which gives the pages it read back to the kernel behind it, so that the
/// process's resident memory stays flat whatever the file's size.
///
/// A mapped file must not shrink while it is read: the writers LienThong maps (its blob store, its working files)
/// only ever append.
public final class ByteSource: @unchecked Sendable {
    public let count: Int
    /// The first byte; never written through (the memory is read-only or owned here).
    private let base: UnsafeRawPointer
    private let mapped: Bool
    /// The source whose first bytes these are, which owns them.
    private let whole: ByteSource?
    /// The file a mapped source maps, and a descriptor of it held open for as long as the source lives: a reader of
    /// scattered objects (qpdf) reads the file itself through that descriptor (the same file, even if its path is
    /// renamed or replaced), as the kernel maps a whole large folio of pages into the process for each page read
    /// through a mapping.
    public let file: (path: String, descriptor: Int32)?

    /// Files smaller than this are read into memory: mapping saves nothing there, and a reader that truncates a
    /// small file under us cannot stop the process.
    public static let mappingThreshold = 16 << 20
    /// How much a whole pass reads before it gives the pages back.
    static let chunk = 4 << 20

    /// A copy of `data`.
    public convenience init(_ data: Data) {
        self.init(concatenating: [data])
    }

    /// `parts` one after the other, copied.
    public init(concatenating parts: [Data]) {
        count = parts.reduce(0) { $0 + $1.count }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
        var offset = 0
        for part in parts {
            part.copyBytes(to: UnsafeMutableRawBufferPointer(rebasing: buffer[offset...]))
            offset += part.count
        }
        base = UnsafeRawPointer(buffer.baseAddress!)
        mapped = false
        whole = nil
        file = nil
    }

    private init(prefixOf whole: ByteSource, count: Int) {
        base = whole.base
        mapped = whole.mapped
        self.count = count
        self.whole = whole
        file = whole.file
    }

    /// The first `length` bytes, sharing this source's memory: a signed revision of a PDF.
    public func prefix(_ length: Int) -> ByteSource {
        ByteSource(prefixOf: self, count: max(0, min(length, count)))
    }

    /// The file at `url`: read into memory when small, else mapped; its first `length` bytes when given.
    public convenience init(contentsOf url: URL, length: Int? = nil) throws {
        let descriptor = open(url.path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw CryptoError("cannot open \(url.path): \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        try self.init(descriptor: descriptor, path: url.path, length: length)
    }

    /// The file at `path`, open as `descriptor` (which may be closed afterwards), as ``init(contentsOf:length:)``
    /// reads it.
    public init(descriptor: Int32, path name: String, length: Int? = nil) throws {
        whole = nil
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw CryptoError("cannot read \(name)'s size") }
        let size = Int(status.st_size)
        guard length ?? 0 <= size else { throw CryptoError("\(name) is shorter than \(length ?? 0) bytes") }
        count = length ?? size
        if count < Self.mappingThreshold {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(count, 1), alignment: 16)
            var done = 0
            while done < count {
                let read = pread(descriptor, buffer.baseAddress! + done, count - done, off_t(done))
                guard read > 0 else {
                    buffer.deallocate()
                    throw CryptoError("cannot read \(name): \(String(cString: strerror(errno)))")
                }
                done += read
            }
            base = UnsafeRawPointer(buffer.baseAddress!)
            mapped = false
            file = nil
        } else {
            guard let mapping = mmap(nil, count, PROT_READ, MAP_PRIVATE, descriptor, 0), mapping != MAP_FAILED else {
                throw CryptoError("cannot map \(name): \(String(cString: strerror(errno)))")
            }
            let held = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
            guard held >= 0 else {
                munmap(mapping, count)
                throw CryptoError("cannot read \(name): \(String(cString: strerror(errno)))")
            }
            base = UnsafeRawPointer(mapping)
            mapped = true
            file = (name, held)
        }
    }

    deinit {
        if whole != nil { return }
        if mapped {
            munmap(UnsafeMutableRawPointer(mutating: base), count)
            if let file { close(file.descriptor) }
        } else {
            UnsafeMutableRawPointer(mutating: base).deallocate()
        }
    }

    /// The bytes as `Data`, without a copy: the view keeps this source alive for as long as it lives. Read it only:
    /// the memory is the source's (read-only when mapped), and a write through the view would change it.
    public var data: Data {
        Data(
            bytesNoCopy: UnsafeMutableRawPointer(mutating: base), count: count,
            deallocator: .custom { _, _ in
                withExtendedLifetime(self) {}
            })
    }

    /// The first byte, for a reader that holds this source for as long as it reads (qpdf).
    public var unsafeBaseAddress: UnsafeRawPointer { base }

    /// `range`, a chunk at a time, each chunk's pages given back to the kernel once `body` has read it.
    public func forEachChunk(in range: Range<Int>, _ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "a range outside the bytes")
        try scan { bytes, readBefore in
            var start = range.lowerBound
            while start < range.upperBound {
                let end = min(range.upperBound, start + Self.chunk)
                try body(UnsafeRawBufferPointer(rebasing: bytes[start..<end]))
                readBefore(end)
                start = end
            }
        }
    }

    /// Whether every byte of `range` satisfies `predicate`: read up to the first that does not, the pages passed
    /// given back.
    public func allSatisfy(in range: Range<Int>, _ predicate: (UInt8) -> Bool) -> Bool {
        precondition(range.lowerBound >= 0 && range.upperBound <= count, "a range outside the bytes")
        return scan { bytes, readBefore in
            for index in range {
                if index & (Self.chunk - 1) == 0 { readBefore(index) }
                if !predicate(bytes[index]) { return false }
            }
            return true
        }
    }

    /// All the bytes for a pass that reads them in order (a scan for references): `body` says, with `readBefore`,
    /// where it has got to, and the pages before it that it no longer needs are given back to the kernel.
    public func scan<T>(
        _ body: (UnsafeRawBufferPointer, _ readBefore: (Int) -> Void) throws -> T
    ) rethrows -> T {
        try withExtendedLifetime(self) {
            var released = 0
            return try body(UnsafeRawBufferPointer(start: base, count: count)) { offset in
                guard mapped, offset - released >= Self.chunk || offset == count else { return }
                release(released..<min(offset, count))
                released = offset
            }
        }
    }

    /// Drops the pages of `range` from this process, and of the page it starts in (read already); a page read
    /// again comes back from the file.
    private func release(_ range: Range<Int>) {
        let page = Int(sysconf(Int32(_SC_PAGESIZE)))
        let first = range.lowerBound / page * page
        let last = range.upperBound == count ? range.upperBound : range.upperBound / page * page
        guard last > first else { return }
        madvise(UnsafeMutableRawPointer(mutating: base + first), last - first, Int32(MADV_DONTNEED))
    }
}
