import Foundation
import GRDB
import NetwardenCollectorCore
import NetwardenCore
import NetwardenTestSupport
import NetwardenWire
import Testing

/// Raw samples past `[retention] samples_days` become 5-minute aggregates, the raw rows go, and
/// the chart query reads raw samples where they exist and aggregates where they do not, without
/// counting anything twice; late data merges into its bucket. Real SQLite, no server.
@Suite(.timeLimit(.minutes(2)))
struct DownsamplingTests {
    /// 2027-01-15 08:00:00 UTC, on a 5-minute boundary.
    static let start: Int64 = 1_800_000_000_000
    static let day: Int64 = 86_400_000
    static let who = WireIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1")
    static let loss = "netwarden_icmp_loss_ratio"

    /// A database with an agent and an ingest service whose wall clock is `now`.
    struct Store {
        let directory: TemporaryDirectory
        let database: CollectorDatabase
        let ingest: IngestService
        let token: String

        init(now: Int64) throws {
            directory = try TemporaryDirectory(prefix: "nw-downsample")
            database = try CollectorDatabase(path: directory.path + "/c.sqlite")
            token = try AgentRegistry(database: database).add("oak-gw1", now: now)
            ingest = IngestService(
                database: database,
                settings: IngestSection.defaults,
                wallClock: { now },
                monotonicSeconds: { 0 }
            )
        }

        /// One sample group per (ts, loss value, rtt value) in one batch; `nil` rtt is NaN.
        func send(_ points: [(ts: Int64, loss: Double, rtt: Double?)], prefix: String) async throws {
            let identity = #"{"trust":"oak-trust","site":"oak-primary","gateway":"gw1"}"#
            for (chunkIndex, chunk) in stride(from: 0, to: points.count, by: 1000).enumerated() {
                let slice = points[chunk..<min(points.count, chunk + 1000)]
                var lines = [
                    #"{"type":"batch","version":1,"agent":\#(identity),"batch":\#(chunkIndex),"records":\#(slice.count)}"#
                ]
                for (index, point) in slice.enumerated() {
                    let rtt = point.rtt.map { "\($0)" } ?? "null"
                    lines.append(
                        #"{"type":"samples","id":"\#(prefix)-\#(chunk + index)","ts":\#(point.ts),"identity":\#(identity),"samples":[{"name":"\#(DownsamplingTests.loss)","labels":{"target":"isp"},"value":\#(point.loss)},{"name":"netwarden_icmp_rtt_seconds","labels":{"stat":"avg","target":"isp"},"value":\#(rtt)}]}"#
                    )
                }
                let response = await ingest.handle(
                    IngestRequest(
                        authorization: "Bearer \(token)",
                        contentType: "application/x-ndjson",
                        contentEncoding: nil,
                        body: Array((lines.joined(separator: "\n") + "\n").utf8)
                    )
                )
                #expect(response.status == 200, "\(response.message)")
            }
        }

        func count(_ sql: String) throws -> Int {
            try database.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
        }

        /// (bucket, min, max, mean, last, numeric values, samples) of one family, oldest first.
        func aggregates(_ name: String) throws -> [(Int64, Double?, Double?, Double?, Double?, Int, Int)] {
            try database.read { db in
                try Row.fetchAll(
                    db,
                    sql: """
                        SELECT bucket_ms, min_value, max_value,
                            CASE WHEN value_count > 0 THEN sum_value / value_count END AS mean,
                            last_value, value_count, sample_count
                        FROM sample_aggregates WHERE name = ? ORDER BY bucket_ms
                        """,
                    arguments: [name]
                ).map { ($0[0], $0[1], $0[2], $0[3], $0[4], $0[5], $0[6]) }
            }
        }
    }

    typealias Point = (ts: Int64, loss: Double, rtt: Double?)

    /// Two hours every 10 s, three days before `now`: loss cycles 0.0 ... 0.9, rtt is NaN at every
    /// 15th sample. Plus the last hour before `now`, which stays raw.
    static func history(now: Int64) -> (old: [Point], recent: [Point]) {
        var old: [Point] = []
        for index in 0..<720 {
            let rtt: Double? = index % 15 == 14 ? nil : 0.02
            old.append((ts: start + Int64(index) * 10_000, loss: Double(index % 10) / 10, rtt: rtt))
        }
        var recent: [Point] = []
        for index in 0..<360 {
            recent.append((ts: now - 3_600_000 + Int64(index) * 10_000, loss: 0.5, rtt: 0.03))
        }
        return (old, recent)
    }

    @Test func oldRawSamplesBecomeBucketAggregatesAndChartsReadAcrossTheBoundary() async throws {
        let now = Self.start + 3 * Self.day
        let store = try Store(now: now)
        let (old, recent) = Self.history(now: now)
        try await store.send(old + recent, prefix: "g")
        #expect(try store.count("SELECT COUNT(*) FROM samples") == (720 + 360) * 2)

        let settings = RetentionSection(sampleDays: 1, aggregateMinutes: 5, aggregateDays: 30)
        let result = try await RetentionPruner(database: store.database, settings: settings).prune(now: now)
        #expect(result.samples == 720 * 2)
        // Only the recent hour is raw now; the old two hours are 24 five-minute buckets per series.
        #expect(try store.count("SELECT COUNT(*) FROM samples") == 360 * 2)
        #expect(try store.count("SELECT COUNT(*) FROM samples WHERE ts < \(now - Self.day)") == 0)
        let loss = try store.aggregates(Self.loss)
        #expect(loss.count == 24)
        for (index, bucket) in loss.enumerated() {
            #expect(bucket.0 == Self.start + Int64(index) * 300_000)
            // 30 samples a bucket: three full cycles of 0.0 ... 0.9, the last one 0.9.
            #expect(bucket.1 == 0.0 && bucket.2 == 0.9 && bucket.4 == 0.9)
            #expect(abs((bucket.3 ?? -1) - 0.45) < 1e-9)
            #expect(bucket.5 == 30 && bucket.6 == 30)
        }
        // NaN is stored as NULL: counted as a sample, left out of min/max/mean.
        let rtt = try store.aggregates("netwarden_icmp_rtt_seconds")
        #expect(rtt.count == 24)
        #expect(rtt.allSatisfy { $0.5 == 28 && $0.6 == 30 && $0.1 == 0.02 && $0.2 == 0.02 })

        // The 7-day chart query: one mean per old bucket, then every raw sample.
        let series = try await SiteQueries(database: store.database).series(
            Self.who,
            name: Self.loss,
            since: now - 7 * Self.day
        )
        #expect(series.count == 24 + 360)
        #expect(series.map(\.timestampMilliseconds) == series.map(\.timestampMilliseconds).sorted())
        #expect(series.first?.timestampMilliseconds == Self.start)
        #expect(abs((series.first?.value ?? -1) - 0.45) < 1e-9)
        #expect(series.last?.value == 0.5)
        #expect(series.first?.labels.map(\.value) == ["isp"])

        // A second pass with nothing new changes nothing.
        let again = try await RetentionPruner(database: store.database, settings: settings).prune(now: now)
        #expect(again.samples == 0)
        #expect(try store.aggregates(Self.loss).map(\.5) == Array(repeating: 30, count: 24))
    }

    @Test func lateDataMergesIntoItsBucketAndAggregatesExpire() async throws {
        let now = Self.start + 3 * Self.day
        let store = try Store(now: now)
        try await store.send(Self.history(now: now).old, prefix: "g")
        let settings = RetentionSection(sampleDays: 1, aggregateMinutes: 5, aggregateDays: 2)
        _ = try await RetentionPruner(database: store.database, settings: settings).prune(
            now: Self.start + 2 * Self.day
        )
        #expect(try store.aggregates(Self.loss).count == 24)

        // A backlog from an outage: one sample inside the first bucket, newer than its last,
        // and one inside the second bucket but older than its last.
        try await store.send(
            [(ts: Self.start + 295_000, loss: 5, rtt: 0.5), (ts: Self.start + 300_001, loss: -1, rtt: nil)],
            prefix: "late"
        )
        let merged = try await RetentionPruner(database: store.database, settings: settings).prune(
            now: Self.start + 2 * Self.day
        )
        #expect(merged.samples == 4)
        let loss = try store.aggregates(Self.loss)
        #expect(loss.count == 24)
        #expect(loss[0].2 == 5 && loss[0].4 == 5 && loss[0].5 == 31)
        #expect(abs((loss[0].3 ?? 0) - (13.5 + 5) / 31) < 1e-9)
        // The late sample is older than the bucket's last, so `last` stays.
        #expect(loss[1].1 == -1 && loss[1].4 == 0.9 && loss[1].5 == 31)
        #expect(try store.count("SELECT COUNT(*) FROM samples") == 0)

        // Past aggregates_days the aggregates go too.
        let expired = try await RetentionPruner(database: store.database, settings: settings).prune(now: now)
        #expect(expired.aggregates == 48)
        #expect(try store.count("SELECT COUNT(*) FROM sample_aggregates") == 0)
    }

    @Test func smallChunksGiveTheSameAggregatesAsOnePass() async throws {
        let now = Self.start + 3 * Self.day
        let whole = try Store(now: now)
        let chunked = try Store(now: now)
        let old = Self.history(now: now).old
        try await whole.send(old, prefix: "g")
        try await chunked.send(old, prefix: "g")
        let cutoff = now - Self.day
        #expect(
            try await SampleDownsampler(database: whole.database, bucketMilliseconds: 300_000).run(before: cutoff)
                == 1440
        )
        // 7 rows a transaction: chunks end mid-bucket and even mid-timestamp (two rows per ts).
        #expect(
            try await SampleDownsampler(database: chunked.database, bucketMilliseconds: 300_000, chunkRows: 7).run(
                before: cutoff
            ) == 1440
        )
        for name in [Self.loss, "netwarden_icmp_rtt_seconds"] {
            let a = try whole.aggregates(name)
            let b = try chunked.aggregates(name)
            #expect(a.count == b.count)
            for (x, y) in zip(a, b) {
                #expect(x.0 == y.0 && x.1 == y.1 && x.2 == y.2 && x.4 == y.4 && x.5 == y.5 && x.6 == y.6)
                #expect(abs((x.3 ?? 0) - (y.3 ?? 0)) < 1e-9)
            }
        }
    }

    @Test func retentionKeysAreValidatedWithFileLineAndKey() {
        let text = """
            [retention]
            samples_days = 20
            aggregate_minutes = 7
            aggregates_days = 10
            """
        guard case .failure(let errors) = CollectorConfig.parse(bytes: Array(text.utf8), fileName: "c.toml") else {
            Issue.record("accepted a bad file")
            return
        }
        #expect(errors.lines.count == 2, "\(errors.lines)")
        #expect(errors.lines.contains { $0.hasPrefix("c.toml:3: retention.aggregate_minutes: 7 does not divide") })
        #expect(errors.lines.contains { $0.hasPrefix("c.toml:4: retention.aggregates_days: 10 is shorter than") })
        let good = "[retention]\nsamples_days = 2\naggregate_minutes = 15\naggregates_days = 90\n"
        let config = try? CollectorConfig.parse(bytes: Array(good.utf8), fileName: "c.toml").get()
        #expect(config?.retention == RetentionSection(sampleDays: 2, aggregateMinutes: 15, aggregateDays: 90))
    }
}
