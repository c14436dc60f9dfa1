import NIOPosix

/// Threads of their own for work that waits on the disk: SQLite's durable commits, fsync of a
/// stored file.
///
/// Request handlers run on Swift's cooperative pool, which has one thread per core: two here.
/// A handler blocked in fsync, or waiting for the one SQLite writer while another commits, held
/// one of the two, and sends queued behind each other's disk waits with the CPU half idle. Here
/// they wait on these threads instead, and the cooperative threads go on signing. Every write of
/// the registry runs here; the services bring their file work.
public struct DiskWork: Sendable {
    let pool: NIOThreadPool

    /// One pool for the process, started on first use and never stopped: registries opened and
    /// closed (as in tests) share it rather than each leave eight threads behind.
    public static let shared = DiskWork(threads: 8)

    private init(threads: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    public func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await pool.runIfActive(work)
    }
}
