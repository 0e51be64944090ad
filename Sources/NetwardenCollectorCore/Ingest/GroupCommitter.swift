import GRDB
import NetwardenWire
import Synchronization

/// Stores ingest batches with one commit (one fsync) for all the batches that arrived while the
/// previous commit was running: group commit.
///
/// Why: `synchronous = FULL` makes every commit wait for an fsync of the WAL, several
/// milliseconds on a shared virtual disk (8 ms median, 56 ms p99 measured on the benchmark
/// machine). With one transaction per batch, a thousand schools each sending every 10 s keep the
/// single writer busy with fsyncs alone and requests queue behind each other. Grouping keeps the
/// contract: each batch is all-or-nothing inside its own savepoint (a refused batch, such as a
/// 403, rolls back alone), and no caller gets its answer before the commit holding its batch has
/// returned, so a 2xx still means durable.
final class GroupCommitter: Sendable {
    typealias Outcome = Result<IngestStore.Outcome, CollectorError>

    struct Job: Sendable {
        var batch: IngestBatch
        var agent: Int64
        var now: Int64
    }

    private struct Waiting {
        var job: Job
        var continuation: CheckedContinuation<Outcome, Never>
    }

    /// Bounds one transaction (and the time its first batch waits for the last to be inserted).
    static let maximumBatchesPerCommit = 128

    let database: CollectorDatabase
    private let state = Mutex<(pending: [Waiting], writing: Bool)>(([], false))

    init(database: CollectorDatabase) { self.database = database }

    /// Stores `job` and returns once it is committed (or refused).
    func store(_ job: Job) async -> Outcome {
        await withCheckedContinuation { continuation in
            let startWriter = state.withLock { state in
                state.pending.append(Waiting(job: job, continuation: continuation))
                if state.writing { return false }
                state.writing = true
                return true
            }
            if startWriter { Task { await self.drain() } }
        }
    }

    /// Commits groups until nothing is pending; exactly one drain runs at a time.
    private func drain() async {
        while true {
            let group: [Waiting] = state.withLock { state in
                let count = min(state.pending.count, Self.maximumBatchesPerCommit)
                if count == 0 {
                    state.writing = false
                    return []
                }
                let group = Array(state.pending.prefix(count))
                state.pending.removeFirst(count)
                return group
            }
            if group.isEmpty { return }
            let jobs = group.map(\.job)
            let outcomes: [Outcome]
            do {
                outcomes = try await database.asyncWrite { db in
                    jobs.map { job in
                        var stored = IngestStore.Outcome()
                        do {
                            try db.inSavepoint {
                                stored = try IngestStore.store(job.batch, agent: job.agent, now: job.now, in: db)
                                return .commit
                            }
                            return .success(stored)
                        } catch let error as CollectorError {
                            return .failure(error)
                        } catch {
                            return .failure(CollectorError(.storage, "database write failed: \(error)"))
                        }
                    }
                }
            } catch {
                // The commit itself failed: none of the group is durable.
                outcomes = Array(repeating: .failure(error), count: group.count)
            }
            for (waiting, outcome) in zip(group, outcomes) { waiting.continuation.resume(returning: outcome) }
        }
    }
}
