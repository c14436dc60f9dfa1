import Foundation
import LienThongAPI
import NIOPosix
import Synchronization

/// Bounds the verifications `POST /v1/verify` runs for anyone who asks: at most `capacity` at once
/// in the daemon and one at a time per address, each on threads of its own. A verification is up
/// to seconds of CPU; run on Swift's cooperative pool (two threads here), four of them stalled
/// every clerk's inbox. A caller beyond the bound is told to come back instead of queueing.
package final class VerificationGate: Sendable {
    package let capacity: Int
    private let pool: NIOThreadPool
    private let running = Mutex<[String: Int]>([:])

    /// Started here; made once by the daemon, it lives as long as the daemon.
    package init(capacity: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)) {
        self.capacity = capacity
        pool = NIOThreadPool(numberOfThreads: capacity)
        pool.start()
    }

    /// Runs `work` holding one of the daemon's places, and the address's one: everything a
    /// verification costs, fetching revocation information included, happens inside.
    package func admit<T: Sendable>(_ address: String, _ work: () async throws -> T) async throws -> T {
        let admitted = running.withLock { running in
            guard running.values.reduce(0, +) < capacity, running[address, default: 0] == 0 else { return false }
            running[address, default: 0] += 1
            return true
        }
        guard admitted else {
            throw Refusal.verificationBusy(
                "this server verifies \(capacity) signatures at a time and one per address; "
                    + "wait for your previous verification to finish, then try again")
        }
        defer {
            running.withLock { running in
                running[address, default: 1] -= 1
                if running[address] == 0 { running[address] = nil }
            }
        }
        return try await work()
    }

    /// Runs CPU-bound `work` on the gate's own threads, off Swift's cooperative pool.
    package func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
