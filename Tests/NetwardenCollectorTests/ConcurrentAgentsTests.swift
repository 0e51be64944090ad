import Foundation
import Testing

/// Many agents sending at once (each one request at a time, as the daemon does): every record
/// is stored exactly once and every school appears.
@Suite(.timeLimit(.minutes(2)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct ConcurrentAgentsTests {
    @Test func twentyAgentsAtOnceLoseAndDoubleNothing() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let agents = 20
        let batches = 8
        var tokens: [String] = []
        for index in 0..<agents { tokens.append(try await collector.addAgent("school-\(index)")) }
        let statuses = try await withThrowingTaskGroup(of: [Int].self) { group in
            for (index, token) in tokens.enumerated() {
                group.addTask {
                    let who = TestBatch.identity("big-trust", "school-\(index)", "gw1")
                    var statuses: [Int] = []
                    for batch in 0..<batches {
                        let ids = (0..<5).map { "s\(index)-b\(batch)-\($0)" }
                        var lines = [TestBatch.header(agent: who, batch: batch, records: ids.count)]
                        lines += ids.map { TestBatch.samples(id: $0, ts: TestBatch.nowMilliseconds(), identity: who) }
                        // Every other batch is sent twice, as after a lost response.
                        for _ in 0..<(batch % 2 == 0 ? 2 : 1) {
                            statuses.append(
                                try await collector.ingest(lines.joined(separator: "\n") + "\n", token: token).status
                            )
                        }
                    }
                    return statuses
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(statuses.allSatisfy { $0 == 200 }, "\(Set(statuses))")
        let stored = try collector.storedRecordCounts()
        #expect(stored.count == agents * batches * 5)
        #expect(stored.values.allSatisfy { $0 == 1 })
        #expect(try collector.count("SELECT COUNT(*) FROM samples") == agents * batches * 5 * 2)
        #expect(try collector.count("SELECT COUNT(*) FROM sites") == agents)
        await collector.stop()
    }
}
