import NIOPosix

/// Threads of their own for work that waits on the disk: fsync of a stored file, SQLite's
/// durable commits.
///
/// Request handlers run on Swift's cooperative pool, which has one thread per core: two here.
/// A handler blocked in fsync, or waiting for the one SQLite writer while another commits, held
/// one of the two, and sends queued behind each other's disk waits with the CPU half idle. Here
/// they wait on these threads instead, and the cooperative threads go on signing.
package struct DiskWork: Sendable {
    package let pool: NIOThreadPool

    /// Started here; made once by the daemon, it lives as long as the daemon.
    package init(threads: Int = 8) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    package func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
