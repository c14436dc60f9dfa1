import Foundation
import LienThongCrypto
import LienThongRegistry
import Logging
import ServiceLifecycle

/// Adds the time stamps that sends made while the TSA was down still lack, as soon as it answers
/// again: the stored signature is replaced by one with the token in its unsigned attributes.
package struct TimeStampBackfill: Service {
    package let registry: Registry
    package let now: @Sendable () -> Date
    package let blobs: BlobStore
    package let timeStamper: any TimeStamper
    package let interval: Duration
    package let logger: Logger

    /// Returns, without an error, when the daemon shuts down (an error would make its exit status 1).
    package func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: interval)
                if !Task.isCancelled { await stampPending() }
            }
        }
    }

    /// One pass over what is pending; stops at the first TSA failure and tries again next time.
    package func stampPending() async {
        do {
            for file in try registry.documents.filesAwaitingTimeStamp() {
                let stored = try blobs.bytes(of: file.signatureSHA256, heldBy: registry)
                let stamped = try await DetachedSigner.addingTimeStamps(to: stored, timeStamper: timeStamper)
                let signature = BlobRecord(
                    sha256: Digest.sha256(stamped), size: Int64(stamped.count), createdAt: now(), bytes: stamped)
                try await registry.documents.completeTimeStamp(
                    documentID: file.documentID, position: file.position, signature: signature)
                logger.info("time stamp added", metadata: ["document": "\(file.documentID)", "file": "\(file.name)"])
            }
        } catch {
            logger.warning("time stamps still pending", metadata: ["reason": "\(error)"])
        }
    }
}
