import Foundation
import LienThongAPI
import Synchronization
import Testing

@testable import LienThongApp

/// `POST /v1/verify` is open to anyone: its work is bounded per daemon and per address.
@Suite("Verification gate: verifications at once, per daemon and per address")
struct VerificationGateTests {
    /// Holds the work it runs until `release()`.
    final class Latch: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        let entered = Atomic<Int>(0)
        func work() -> Int {
            entered.add(1, ordering: .sequentiallyConsistent)
            semaphore.wait()
            return 1
        }
        func release(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
        func waitUntilEntered(_ count: Int) async {
            while entered.load(ordering: .sequentiallyConsistent) < count {
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
    }

    @Test func oneAtATimePerAddressAndCapacityInAll() async throws {
        let gate = VerificationGate(capacity: 2)
        let latch = Latch()
        let first = Task { try await gate.admit("10.0.0.1") { try await gate.offload { latch.work() } } }
        await latch.waitUntilEntered(1)
        // The same address again, while its first verification runs: refused, not queued.
        await #expect { try await gate.admit("10.0.0.1") { 0 } } throws: { error in
            if case .verificationBusy? = error as? Refusal { true } else { false }
        }
        let second = Task { try await gate.admit("10.0.0.2") { try await gate.offload { latch.work() } } }
        await latch.waitUntilEntered(2)
        // The daemon's capacity is taken: a third address waits its turn too.
        await #expect { try await gate.admit("10.0.0.3") { 0 } } throws: { error in
            if case .verificationBusy? = error as? Refusal { true } else { false }
        }
        latch.release(2)
        #expect(try await first.value + second.value == 2)
        // Freed: the first address is served again.
        #expect(try await gate.admit("10.0.0.1") { 7 } == 7)
    }
}
