import Foundation
import NetwardenTestSupport
import Testing

/// The school page's 7-day chart across the downsampling boundary, with the real binary: data
/// older than `samples_days` is only in the aggregates after the retention pass at start-up, and
/// the chart still shows it.
@Suite(.timeLimit(.minutes(2)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct DownsampledChartTests {
    @Test func theWeekChartShowsDownsampledDays() async throws {
        let collector = try CollectorUnderTest(retention: "samples_days = 1")
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let password = try await collector.addUser("central-it")
        let now = TestBatch.nowMilliseconds()
        let who = TestBatch.identity("oak-trust", "oak-primary", "gw1")
        func loss(_ id: String, _ ts: Int64, _ value: Double) -> String {
            #"{"type":"samples","id":"\#(id)","ts":\#(ts),"identity":\#(who),"samples":[{"name":"netwarden_icmp_loss_ratio","labels":{"target":"isp"},"value":\#(value)}]}"#
        }
        // Three days ago (a backlog after an outage): 37 % loss for ten minutes; now: 1 %.
        // Started on a 5-minute boundary, so the ten minutes are exactly two buckets.
        let old = (now - 3 * 86_400_000) / 300_000 * 300_000
        var lines = (0..<60).map { loss("old-\($0)", old + Int64($0) * 10_000, 0.37) }
        lines.append(loss("new", now - 60_000, 0.01))
        let body = ([TestBatch.header(agent: who, batch: 1, records: lines.count)] + lines).joined(separator: "\n")
        #expect(try await collector.ingest(body + "\n", token: token).status == 200)

        // The retention pass runs at start: restart, then wait for it to have moved the old rows.
        await collector.stop()
        try await collector.start()
        for _ in 0..<100 where try collector.count("SELECT COUNT(*) FROM sample_aggregates") == 0 {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(try collector.count("SELECT COUNT(*) FROM samples") == 1)
        #expect(try collector.count("SELECT COUNT(*) FROM sample_aggregates") == 2)

        let page = try await collector.request(
            "GET",
            "/site?trust=oak-trust&site=oak-primary&gateway=gw1&range=7d",
            extra: ["-u", "central-it:\(password)"]
        )
        #expect(page.status == 200)
        // The old bar (aggregates only) and the new one (raw) are both drawn.
        #expect(page.body.contains("<title>37 %</title>"))
        #expect(page.body.contains("<title>1 %</title>"))
    }
}
