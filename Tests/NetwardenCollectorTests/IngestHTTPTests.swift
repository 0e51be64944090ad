import Foundation
import NetwardenCompression
import NetwardenTestSupport
import Testing

/// `POST /api/v1/ingest` against the real binary and its real SQLite file: each refusal class
/// with its status and nothing stored, de-duplication, credentials and rate limiting.
@Suite(.timeLimit(.minutes(3)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct IngestHTTPTests {
    static func storedNothing(_ collector: CollectorUnderTest) throws -> Bool {
        try collector.count("SELECT COUNT(*) FROM samples") == 0 && collector.count("SELECT COUNT(*) FROM events") == 0
            && collector.count("SELECT COUNT(*) FROM sample_records") == 0
            && collector.count("SELECT COUNT(*) FROM sites") == 0
    }

    @Test func everyBadInputClassIsRefusedWithItsStatusAndNothingStored() async throws {
        let collector = try CollectorUnderTest(ingest: "max_records = 5\nmax_body_kib = 64\nmax_decompressed_kib = 256")
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let good = TestBatch.oak(batch: 1, sampleIDs: ["a-1", "a-2"], eventIDs: ["e-1"])
        let who = TestBatch.identity("oak-trust", "oak-primary", "gw1")

        // A valid first half followed by a broken line must not leave the first half stored.
        let brokenTail =
            TestBatch.header(agent: who, batch: 2, records: 2) + "\n"
            + TestBatch.samples(id: "b-1", ts: 1, identity: who) + "\n" + "{\"type\":\"samples\",\"id\":\n"
        let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 400 * 1024))
        let tooManyLines = (0..<6).map { "s-\($0)" }
        let cases: [(name: String, reply: () async throws -> CollectorUnderTest.Reply, status: Int)] = [
            ("no token", { try await collector.ingest(good, token: nil) }, 401),
            ("unknown token", { try await collector.ingest(good, token: "nwa_wrong") }, 401),
            (
                "not gzip",
                {
                    try await collector.request(
                        "POST",
                        "/api/v1/ingest",
                        body: Array("not gzip".utf8),
                        headers: [
                            "Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson",
                            "Content-Encoding": "gzip",
                        ]
                    )
                }, 400
            ),
            (
                "truncated gzip",
                {
                    try await collector.request(
                        "POST",
                        "/api/v1/ingest",
                        body: Array(Gzip.compress(Array(good.utf8)).dropLast(9)),
                        headers: [
                            "Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson",
                            "Content-Encoding": "gzip",
                        ]
                    )
                }, 400
            ),
            ("bad JSON midway", { try await collector.ingest(brokenTail, token: token) }, 400),
            ("not JSON at all", { try await collector.ingest("hello\n", token: token) }, 400),
            (
                "wrong version",
                {
                    try await collector.ingest(
                        good.replacingOccurrences(of: "\"version\":1", with: "\"version\":9"),
                        token: token
                    )
                }, 422
            ),
            (
                "missing record field",
                {
                    try await collector.ingest(good.replacingOccurrences(of: "\"ts\":", with: "\"tz\":"), token: token)
                }, 422
            ),
            (
                "record count mismatch",
                {
                    try await collector.ingest(
                        good.replacingOccurrences(of: "\"records\":3", with: "\"records\":4"),
                        token: token
                    )
                }, 400
            ),
            (
                "too many records",
                { try await collector.ingest(TestBatch.oak(batch: 3, sampleIDs: tooManyLines), token: token) }, 413
            ),
            (
                "body too large",
                {
                    try await collector.request(
                        "POST",
                        "/api/v1/ingest",
                        body: [UInt8](repeating: 0x41, count: 100 * 1024),
                        headers: [
                            "Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson",
                            "Content-Encoding": "gzip",
                        ]
                    )
                }, 413
            ),
            (
                "gzip bomb",
                {
                    try await collector.request(
                        "POST",
                        "/api/v1/ingest",
                        body: bomb,
                        headers: [
                            "Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson",
                            "Content-Encoding": "gzip",
                        ]
                    )
                }, 413
            ),
            ("wrong content type", { try await collector.ingest(good, token: token, contentType: "text/plain") }, 415),
            (
                "unknown encoding",
                {
                    try await collector.request(
                        "POST",
                        "/api/v1/ingest",
                        body: Array(good.utf8),
                        headers: [
                            "Authorization": "Bearer \(token)", "Content-Type": "application/x-ndjson",
                            "Content-Encoding": "br",
                        ]
                    )
                }, 415
            ),
        ]
        for testCase in cases {
            let reply = try await testCase.reply()
            #expect(reply.status == testCase.status, "\(testCase.name): \(reply.status) \(reply.body)")
            #expect(reply.body.contains("\"message\""), "\(testCase.name): a JSON error body, got \(reply.body)")
            #expect(try Self.storedNothing(collector), "\(testCase.name) stored something")
        }
        // After all that, the good batch still goes in whole.
        let reply = try await collector.ingest(good, token: token)
        #expect(reply.status == 200, "\(reply.body)")
        #expect(try collector.count("SELECT COUNT(*) FROM samples") == 4)
        #expect(try collector.count("SELECT COUNT(*) FROM events") == 1)
        await collector.stop()
    }

    @Test func resentRecordsAreStoredOnceAndUnknownsAreCounted() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let first = try await collector.ingest(
            TestBatch.oak(batch: 2, sampleIDs: ["r-1", "r-2"], eventIDs: ["e-1"]),
            token: token
        )
        #expect(first.status == 200 && first.body.contains("\"accepted\":3"), "\(first.body)")
        // The same batch again (a resend after a lost response), then an overlapping one.
        let again = try await collector.ingest(
            TestBatch.oak(batch: 2, sampleIDs: ["r-1", "r-2"], eventIDs: ["e-1"]),
            token: token
        )
        #expect(again.status == 200 && again.body.contains("\"duplicates\":3"), "\(again.body)")
        let overlap = try await collector.ingest(TestBatch.oak(batch: 3, sampleIDs: ["r-2", "r-3"]), token: token)
        #expect(overlap.status == 200 && overlap.body.contains("\"accepted\":1"), "\(overlap.body)")
        #expect(try collector.storedRecordCounts() == ["r-1": 1, "r-2": 1, "r-3": 1, "e-1": 1])

        // A newer agent's record type and fields: ignored, counted, the rest stored.
        let who = TestBatch.identity("oak-trust", "oak-primary", "gw1")
        let newer =
            [
                String(TestBatch.header(agent: who, batch: 4, records: 2).dropLast()) + ",\"x\":1}",
                "{\"type\":\"trace\",\"id\":\"t-1\"}",
                TestBatch.samples(id: "r-4", ts: TestBatch.nowMilliseconds(), identity: who),
            ].joined(separator: "\n") + "\n"
        let reply = try await collector.ingest(newer, token: token)
        #expect(
            reply.status == 200 && reply.body.contains("\"ignored\":1") && reply.body.contains("\"accepted\":1"),
            "\(reply.body)"
        )
        await collector.stop()
    }

    @Test func lateDataIsStoredAtItsOwnTimestamps() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let hourAgo = TestBatch.nowMilliseconds() - 3_600_000
        let reply = try await collector.ingest(
            TestBatch.oak(batch: 1, sampleIDs: ["late-1"], ts: hourAgo),
            token: token
        )
        #expect(reply.status == 200)
        #expect(try collector.count("SELECT COUNT(*) FROM samples WHERE ts = \(hourAgo)") == 2)
        #expect(try collector.count("SELECT last_seen_ms FROM sites") == Int(hourAgo))

        // A backlog after a link outage: failed probes two hours ago, then nothing for an hour
        // (the gateway was off). The chart shows the first as measured failure (red), the
        // second as no data (grey), and the time before the first data as neither.
        let twoHoursAgo = hourAgo - 3_600_000
        let outage = TestBatch.oak(batch: 2, sampleIDs: ["late-0"], ts: twoHoursAgo)
            .replacingOccurrences(of: "\"value\":1}", with: "\"value\":0}")
        #expect(try await collector.ingest(outage, token: token).status == 200)
        let password = try await collector.addUser("central-it")
        let page = try await collector.request(
            "GET",
            "/site?trust=oak-trust&site=oak-primary&gateway=gw1",
            extra: ["-u", "central-it:\(password)"]
        )
        #expect(page.status == 200)
        let bars = page.body.split(separator: "<rect").dropFirst()
        let firstFailure = try #require(bars.firstIndex { $0.contains("class=\"bad\"") }, "no failure bar")
        let firstGap = try #require(bars.firstIndex { $0.contains("class=\"nodata\"") }, "no gap bar")
        #expect(firstFailure < firstGap, "the measured failure comes before the gap")
        #expect(bars.count { $0.contains("class=\"nodata\"") } < 96 * 3, "time before the first data is not a gap")
        await collector.stop()
    }

    @Test func revokedTokensAre401AndAnotherAgentsIdentityIs403() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let oak = try await collector.addAgent("oak-gw1")
        let elm = try await collector.addAgent("elm-gw1")
        #expect(try await collector.ingest(TestBatch.oak(batch: 1, sampleIDs: ["o-1"]), token: oak).status == 200)

        // elm's token speaking as oak: refused, nothing stored for it.
        let forged = try await collector.ingest(TestBatch.oak(batch: 1, sampleIDs: ["x-1"]), token: elm)
        #expect(forged.status == 403, "\(forged.body)")
        // ... also when only a record inside claims oak's identity.
        let elmWho = TestBatch.identity("elm-trust", "elm-primary", "gw1")
        let smuggled =
            [
                TestBatch.header(agent: elmWho, batch: 2, records: 1),
                TestBatch.samples(id: "x-2", ts: 1, identity: TestBatch.identity("oak-trust", "oak-primary", "gw1")),
            ].joined(separator: "\n") + "\n"
        #expect(try await collector.ingest(smuggled, token: elm).status == 403)
        #expect(try collector.storedRecordCounts() == ["o-1": 1])
        #expect(try collector.count("SELECT COUNT(*) FROM sites") == 1)

        let list = try await collector.admin("agent", "list").standardOutputText
        #expect(list.contains("oak-gw1\tactive\toak-trust/oak-primary/gw1"), "\(list)")

        try await collector.admin("agent", "revoke", "oak-gw1")
        let revoked = try await collector.ingest(TestBatch.oak(batch: 2, sampleIDs: ["o-2"]), token: oak)
        #expect(revoked.status == 401)
        #expect(revoked.headers["www-authenticate"]?.hasPrefix("Bearer") == true)
        // The released identity can now be claimed by the replacement agent.
        #expect(try await collector.ingest(TestBatch.oak(batch: 3, sampleIDs: ["o-3"]), token: elm).status == 200)
        await collector.stop()
    }

    @Test func anAgentOverItsRateGets429WithRetryAfter() async throws {
        let collector = try CollectorUnderTest(ingest: "rate_limit_burst = 3\nrate_limit_per_second = 0.005")
        try await collector.start()
        let token = try await collector.addAgent("oak-gw1")
        let other = try await collector.addAgent("elm-gw1")
        var statuses: [Int] = []
        var retryAfter: String?
        for index in 0..<5 {
            let reply = try await collector.ingest(
                TestBatch.oak(batch: index, sampleIDs: ["rl-\(index)"]),
                token: token
            )
            statuses.append(reply.status)
            if reply.status == 429 { retryAfter = reply.headers["retry-after"] }
        }
        #expect(statuses == [200, 200, 200, 429, 429])
        let seconds = try #require(retryAfter.flatMap { Int($0) })
        // One token every 200 s: slow enough that a loaded CI machine cannot refill one mid-test.
        #expect((1...200).contains(seconds))
        // Nothing of the refused batches is stored; another agent is not held back.
        #expect(try collector.storedRecordCounts() == ["rl-0": 1, "rl-1": 1, "rl-2": 1])
        let elmWho = TestBatch.identity("elm-trust", "elm-primary", "gw1")
        let elm =
            TestBatch.header(agent: elmWho, batch: 1, records: 1) + "\n"
            + TestBatch.samples(id: "elm-1", ts: 5, identity: elmWho) + "\n"
        #expect(try await collector.ingest(elm, token: other).status == 200)
        await collector.stop()
    }
}
