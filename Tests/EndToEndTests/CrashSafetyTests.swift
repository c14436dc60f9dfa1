import Foundation
import Testing

/// Runs `scripts/crash-safety.sh` against the binaries just built: SIGKILL under concurrent sends,
/// then every acknowledged document present, verifying, numbered once, and no orphan files.
@Suite("End to end: crash safety")
struct CrashSafetyTests {
    @Test(.timeLimit(.minutes(5)))
    func killingTheDaemonUnderLoadLosesNothingAndDuplicatesNothing() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let result = try run(
            URL(fileURLWithPath: "/bin/bash"),
            [repository.appendingPathComponent("scripts/crash-safety.sh").path, Binaries.directory.path, "4", "6"],
            in: repository)
        #expect(result.status == 0, "\(result.stdout)\n\(result.stderr)")
        #expect(result.stdout.contains("passed (4 kills under 6 concurrent senders)"), "\(result.stdout)")
    }
}
