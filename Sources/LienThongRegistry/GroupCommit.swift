import Foundation
import GRDB

/// Writes that arrive while another commits are committed together: one transaction, one WAL
/// append and one fsync for all of them (group commit).
///
/// A write that throws is rolled back alone and gets its own error while the others commit. A
/// caller returns only when the transaction that holds its write is durable, and throws if that
/// commit failed: what it was told is what the disk holds. There is no timer: the first caller
/// commits at once, and whoever arrives during that commit is in the next one.
///
/// Callers block (SQLite's writer does anyway), so they should be threads made for waiting on the
/// disk, not Swift's cooperative threads; and a job must not write through the registry itself,
/// which would wait for the commit it is part of.
final class GroupCommit: @unchecked Sendable {
    private let pool: any DatabaseWriter
    /// Guards `pending`, `committing` and every job's `result`.
    private let condition = NSCondition()
    private var pending: [Job] = []
    private var committing = false

    init(pool: any DatabaseWriter) { self.pool = pool }

    private final class Job {
        let work: @Sendable (Database) throws -> any Sendable
        var result: Result<any Sendable, any Error>?

        init(_ work: @escaping @Sendable (Database) throws -> any Sendable) { self.work = work }
    }

    func write<T: Sendable>(_ work: @escaping @Sendable (Database) throws -> T) throws -> T {
        let job = Job(work)
        condition.lock()
        pending.append(job)
        // Whoever finds nobody committing commits everything pending, its own job included.
        while job.result == nil {
            if committing {
                condition.wait()
                continue
            }
            committing = true
            let batch = pending
            pending = []
            condition.unlock()
            let results = commit(batch)
            condition.lock()
            for (job, result) in zip(batch, results) { job.result = result }
            committing = false
            condition.broadcast()
        }
        condition.unlock()
        // The job's closure returned a T, boxed as `any Sendable`.
        return try job.result!.get() as! T
    }

    private func commit(_ batch: [Job]) -> [Result<any Sendable, any Error>] {
        if batch.count == 1 {
            return [Result { try pool.write { try batch[0].work($0) } }]
        }
        // Filings are rarely refused at this point. All at once first; only if one throws is
        // the batch run again with a savepoint around each, which costs two statements apiece.
        var refused = false
        do {
            let values = try pool.write { db in
                try batch.map { job in
                    do { return try job.work(db) } catch {
                        refused = true
                        throw error
                    }
                }
            }
            return values.map { .success($0) }
        } catch  where !refused {
            // The commit failed: nothing of the batch was written.
            return batch.map { _ in .failure(error) }
        } catch {}
        var results: [Result<any Sendable, any Error>] = []
        do {
            try pool.write { db in
                results = []
                for job in batch {
                    do {
                        var value: (any Sendable)?
                        try db.inSavepoint {
                            value = try job.work(db)
                            return .commit
                        }
                        results.append(.success(value!))
                    } catch {
                        results.append(.failure(error))
                    }
                }
            }
            return results
        } catch {
            // The commit failed: nothing of the batch was written.
            return batch.map { _ in .failure(error) }
        }
    }
}
