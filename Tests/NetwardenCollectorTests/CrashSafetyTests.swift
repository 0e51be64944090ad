import Foundation
import Testing

/// kill -9 of the collector while an agent is sending, 20 times: every batch that got a 2xx is
/// in the database after a restart, and no record is there twice (even after the client
/// resends everything it was not sure about, as the daemon does).
@Suite(.timeLimit(.minutes(4)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct CrashSafetyTests {
    @Test func acknowledgedBatchesSurviveKillNineAndNoneIsStoredTwice() async throws {
        let collector = try CollectorUnderTest(ingest: "rate_limit_burst = 100000\nrate_limit_per_second = 100000")
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        var acknowledged: Set<Int> = []
        var attempted: Set<Int> = []
        var nextBatch = 0
        func body(_ batch: Int) -> String {
            // Three sample groups and an event per batch, ids derived from the batch number.
            TestBatch.oak(batch: batch, sampleIDs: (0..<3).map { "k\(batch)-\($0)" }, eventIDs: ["k\(batch)-e"])
        }

        for round in 0..<20 {
            if round > 0 { try await collector.start() }
            // The sender runs until the kill makes its requests fail; the kill comes at a
            // different moment in each round (some mid-request).
            let first = nextBatch
            let sender = Task { () -> [(Int, Int)] in
                var results: [(Int, Int)] = []
                var batch = first
                while !Task.isCancelled {
                    let reply = try? await collector.ingest(body(batch), token: token)
                    results.append((batch, reply?.status ?? 0))
                    if reply?.status == 0 || reply == nil { break }
                    batch += 1
                }
                return results
            }
            try await Task.sleep(for: .milliseconds(150 + (round * 37) % 250))
            try await collector.kill9()
            let results = await sender.value
            sender.cancel()
            for (batch, status) in results {
                attempted.insert(batch)
                if (200..<300).contains(status) { acknowledged.insert(batch) }
            }
            nextBatch = (attempted.max() ?? nextBatch) + 1
        }
        #expect(acknowledged.count >= 20, "only \(acknowledged.count) batches were acknowledged over 20 rounds")

        try await collector.start()
        var stored = try collector.storedRecordCounts()
        for batch in acknowledged {
            for id in (0..<3).map({ "k\(batch)-\($0)" }) + ["k\(batch)-e"] {
                #expect(stored[id] == 1, "acknowledged record \(id) stored \(stored[id] ?? 0) times")
            }
        }
        #expect(stored.values.allSatisfy { $0 == 1 }, "\(stored.filter { $0.value != 1 })")

        // The agent resends everything without a 2xx: afterwards every batch is there once.
        for batch in attempted.subtracting(acknowledged).sorted() {
            let reply = try await collector.ingest(body(batch), token: token)
            #expect(reply.status == 200, "\(reply.body)")
        }
        stored = try collector.storedRecordCounts()
        #expect(stored.count == attempted.count * 4)
        #expect(stored.values.allSatisfy { $0 == 1 })
        await collector.stop()
    }
}
