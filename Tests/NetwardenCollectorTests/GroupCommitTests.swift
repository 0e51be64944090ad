import Foundation
import GRDB
import NetwardenCollectorCore
import NetwardenTestSupport
import Testing

/// Batches arriving together are committed together, yet each stays all-or-nothing: a batch
/// refused inside a group (403: another agent's school) leaves nothing behind, and its
/// neighbours are stored whole. Real SQLite, many concurrent callers.
@Suite(.timeLimit(.minutes(1)))
struct GroupCommitTests {
    @Test func aRefusedBatchInAGroupRollsBackAloneAndTheOthersAreStored() async throws {
        let directory = try TemporaryDirectory(prefix: "nw-group-commit")
        let database = try CollectorDatabase(path: directory.path + "/c.sqlite")
        let registry = AgentRegistry(database: database)
        let tokens = try (0..<40).map { try registry.add("school-\($0)", now: 0) }
        let intruder = try registry.add("intruder", now: 0)
        let ingest = IngestService(
            database: database,
            settings: IngestSection.defaults,
            wallClock: { TestBatch.nowMilliseconds() },
            monotonicSeconds: { 0 }
        )
        func request(_ body: String, token: String) -> IngestRequest {
            IngestRequest(
                authorization: "Bearer \(token)",
                contentType: "application/x-ndjson",
                contentEncoding: nil,
                body: Array(body.utf8)
            )
        }
        func batch(school: Int, round: Int) -> String {
            let who = TestBatch.identity("big-trust", "school-\(school)", "gw1")
            let ids = (0..<3).map { "s\(school)-r\(round)-\($0)" }
            return
                ([TestBatch.header(agent: who, batch: round, records: 3)]
                + ids.map { TestBatch.samples(id: $0, ts: TestBatch.nowMilliseconds(), identity: who) })
                .joined(separator: "\n") + "\n"
        }
        // Each school claims its identity first.
        for (school, token) in tokens.enumerated() {
            #expect(await ingest.handle(request(batch(school: school, round: 0), token: token)).status == 200)
        }
        // Then everyone at once, with the intruder sending for school 7 in the middle.
        let statuses = await withTaskGroup(of: (String, Int).self) { group in
            for round in 1...3 {
                for (school, token) in tokens.enumerated() {
                    group.addTask {
                        (
                            "s\(school)-r\(round)",
                            await ingest.handle(request(batch(school: school, round: round), token: token)).status
                        )
                    }
                }
                group.addTask {
                    (
                        "intruder-\(round)",
                        await ingest.handle(request(batch(school: 7, round: 100 + round), token: intruder)).status
                    )
                }
            }
            return await group.reduce(into: [String: Int]()) { $0[$1.0] = $1.1 }
        }
        #expect(statuses.filter { $0.key.hasPrefix("intruder") }.values.allSatisfy { $0 == 403 })
        #expect(statuses.filter { !$0.key.hasPrefix("intruder") }.values.allSatisfy { $0 == 200 })
        let stored = try database.read { db in
            try String.fetchAll(db, sql: "SELECT record_id FROM sample_records")
        }
        #expect(stored.count == 40 * 4 * 3)
        #expect(!stored.contains { $0.contains("-r10") })
        #expect(try database.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM samples") } == 40 * 4 * 3 * 2)
    }
}
