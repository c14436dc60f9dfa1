import Foundation
import LienThongAPI
import LienThongCrypto
import LienThongRegistry

/// Files uploaded before a send: streamed to a staging file while hashed, then kept under their SHA-256, so that
/// the same bytes are the same file and a send names them by hash.
package struct Uploads: Sendable {
    let registry: Registry
    let blobs: BlobStore
    /// Where the file is made durable and recorded, off Swift's cooperative threads.
    let disk: DiskWork
    /// `maxUploadBytes`.
    package let limit: Int64
    let now: @Sendable () -> Date

    /// Stores the bytes that `receive` hands, in order, to the writer it is given; `declaredSize` (the
    /// Content-Length) is checked first, so that an upload over the limit is refused before a byte is read.
    /// A failure anywhere leaves nothing behind.
    package func store(
        declaredSize: Int64?, caller: UserRecord,
        receive: (_ write: (UnsafeRawBufferPointer) throws -> Void) async throws -> Void
    ) async throws -> UploadedFile {
        try Permissions(caller).require(.upload)
        if let declaredSize, declaredSize > limit { throw Refusal.fileTooLarge(limit: limit) }
        let (staged, handle) = try blobs.stagingFile()
        var digest = StreamingDigest(.sha256)
        var size: Int64 = 0
        do {
            try await receive { bytes in
                size += Int64(bytes.count)
                digest.update(bytes)
                try handle.write(contentsOf: bytes)
            }
            guard size > 0 else {
                throw Refusal.invalidRequest("the file is empty: upload the document's bytes as the request body")
            }
            let sha256 = digest.finalizeHex()
            let (now, size) = (now(), size)
            try await disk.run { [blobs] in
                try handle.synchronize()
                try handle.close()
                try blobs.commit(staged, sha256: sha256)
            }
            try await registry.documents.recordUpload(sha256: sha256, size: size, agency: caller.agencyCode, at: now)
            return UploadedFile(sha256: sha256, size: size)
        } catch {
            try? handle.close()
            blobs.discard(staged)
            throw error
        }
    }
}
