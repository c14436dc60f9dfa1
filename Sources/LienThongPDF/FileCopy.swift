import CQPDF
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A file's first bytes copied into another, in the kernel where it can (copy_file_range), else a megabyte at a
/// time through this process: a 500 MB PDF is never held in memory to be copied.
enum FileCopy {
    /// Copies the first `length` bytes of `source` to the start of `target`; throws naming `what`, not a path.
    static func copy(_ length: Int, from source: Int32, to target: Int32, _ what: String) throws(FileError) {
        var (from, to): (Int64, Int64) = (0, 0)
        while from < length {
            let copied = lienthong_copy_file_range(source, &from, target, &to, length - Int(from), 0)
            if copied > 0 { continue }
            if copied < 0, errno == EINTR { continue }
            // Across file systems, or a kernel or file system that cannot: by hand, from where it stopped.
            break
        }
        guard from < length else { return }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buffer.deallocate() }
        while from < length {
            let read = pread(source, buffer.baseAddress!, min(buffer.count, length - Int(from)), off_t(from))
            if read < 0, errno == EINTR { continue }
            guard read > 0 else { throw FileError(what, "reading") }
            try write(UnsafeRawBufferPointer(rebasing: buffer[..<read]), at: Int(from), to: target, what)
            from += Int64(read)
        }
    }

    /// Writes all of `bytes` at `offset` of `target`.
    static func write(
        _ bytes: UnsafeRawBufferPointer, at offset: Int, to target: Int32, _ what: String
    ) throws(FileError) {
        var done = 0
        while done < bytes.count {
            let written = pwrite(target, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if written < 0, errno == EINTR { continue }
            guard written > 0 else { throw FileError(what, "writing") }
            done += written
        }
    }
}

/// A file LienThong works in (a working copy, an earlier revision for qpdf) could not be read or written: the
/// server's trouble (a full disk), not the document's, said without the server's paths.
public struct FileError: Error, CustomStringConvertible {
    public let description: String

    init(_ what: String, _ doing: String) {
        description = "\(doing) \(what) failed: \(String(cString: strerror(errno)))"
    }
}
