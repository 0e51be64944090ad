import Foundation
import NetwardenTestSupport
import Testing

/// The views' JSON and HTML from the real binary over real HTTP, seeded through the real ingest
/// path (``ViewScenario``): overview health and order, the school view's outages and compliance
/// log, coverage cells and trust-wide lines.
@Suite(.timeLimit(.minutes(2)), .enabled(if: collectorBuilt, "netwarden-collector is not built"))
struct ViewsHTTPTests {
    static func json(_ reply: CollectorUnderTest.Reply) throws -> [String: Any] {
        try #require(
            try JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any],
            "\(reply.status) \(reply.body)"
        )
    }

    @Test func overviewSchoolAndCoverageViewsShowWhatWasIngested() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let basic = ["-u", "central-it:\(password)"]
        let now = try await ViewScenario.seed(collector)

        // Overview: worst first, each with the health the gateway reported.
        let sitesReply = try await collector.request("GET", "/api/v1/sites", extra: basic)
        #expect(sitesReply.status == 200)
        let sites = try #require(try Self.json(sitesReply)["sites"] as? [[String: Any]])
        let order = sites.compactMap { $0["site"] as? String }
        #expect(order.first == "birch-school", "offline first: \(order)")
        let ashIndex = try #require(order.firstIndex(of: "ash-academy"))
        let oakIndex = try #require(order.firstIndex(of: "oak-primary"))
        #expect(ashIndex < oakIndex, "an uplink down and failing checks before a healthy school: \(order)")
        let ash = try #require(sites.first { $0["site"] as? String == "ash-academy" })
        #expect(
            ash["last_seen"] is String && ash["trust"] as? String == "oak-trust" && ash["gateway"] as? String == "gw1"
        )
        let uplinks = try #require(ash["uplinks"] as? [[String: Any]])
        #expect(
            uplinks.map { "\($0["interface"] as? String ?? "")=\($0["up"] as? Bool ?? false)" } == [
                "eth0=true", "eth1=false",
            ]
        )
        #expect(ash["loss_ratio_now"] as? Double == 0.2)
        #expect(abs((ash["latency_seconds_now"] as? Double ?? 0) - 0.09) < 1e-9)
        let wifi = try #require(ash["wifi"] as? [String: Any])
        #expect(wifi["weakest_signal_dbm"] as? Double == -81 && wifi["verdict"] as? String == "poor")
        let ashProbes = try #require(ash["probes"] as? [[String: Any]])
        #expect(ashProbes.first { $0["kind"] as? String == "dns" }?["success"] as? Double == 0)
        let filter = try #require(ash["filter"] as? [String: Any])
        let categories = try #require(filter["categories"] as? [[String: Any]])
        #expect(
            categories.map { "\($0["category"]!)=\($0["latest"]!)" } == ["gambling=inconclusive", "safe_search=fail"]
        )
        // The 24-hour mean comes from the hourly rollups: 10 % two hours ago, 0 % now.
        let oak = try #require(sites.first { $0["site"] as? String == "oak-primary" })
        #expect(abs((oak["loss_ratio_24h"] as? Double ?? -1) - 0.05) < 1e-9, "\(oak)")
        #expect((oak["probe_success_ratio_24h"] as? [String: Any])?["dns"] as? Double == 1)

        // Overview page: the new columns, no script needed.
        let page = try await collector.request("GET", "/", extra: basic)
        #expect(page.status == 200)
        for text in ["Uplinks", "Loss now / 24 h", "1/2 up", "down: eth1", "-81 dBm poor", "safe_search", "20 %"] {
            #expect(page.body.contains(text), "overview lacks \(text)")
        }

        // School view: the late backlog and the silence after it are both outages, with causes.
        let birchReply = try await collector.request("GET", "/api/v1/site?\(ViewScenario.birch.query)", extra: basic)
        #expect(birchReply.status == 200)
        let birch = try Self.json(birchReply)
        let outages = try #require(birch["outages"] as? [[String: Any]])
        let late = try #require(outages.first { $0["cause"] as? String == "late" }, "\(outages)")
        let lateFrom = try #require(late["from_ms"] as? Int)
        #expect(Int64(lateFrom) <= now - 3 * ViewScenario.hour + 15 * ViewScenario.minute)
        #expect(late["delivered_ms"] as? Int != nil)
        let silent = try #require(outages.last, "\(outages)")
        #expect(silent["cause"] as? String == "no_data")
        // It lasts until now, or until the current bucket's start while that bucket is younger
        // than the offline threshold (three minutes): no data there yet is not an outage yet.
        #expect(Int64(silent["to_ms"] as? Int ?? 0) >= now - 3 * ViewScenario.minute)
        let compliance = try #require(birch["compliance"] as? [[String: Any]])
        #expect(compliance.count == 1 && compliance.first?["kind"] as? String == "filter_compliance")
        let events = try #require(birch["events"] as? [[String: Any]])
        #expect(!events.contains { $0["kind"] as? String == "filter_compliance" }, "compliance apart from events")
        let charts = try #require(birch["charts"] as? [String: Any])
        #expect((charts["outage_marks"] as? [String])?.count == 96)
        // The backlog's measurements are charted at their own times: total loss, and the
        // average round-trip time only (not min/max).
        let lossBars = (charts["icmp_loss_percent"] as? [Any] ?? []).compactMap { $0 as? Double }
        let rttBars = (charts["icmp_rtt_milliseconds"] as? [Any] ?? []).compactMap { $0 as? Double }
        #expect(!lossBars.isEmpty && lossBars.allSatisfy { $0 == 100 }, "\(lossBars)")
        #expect(!rttBars.isEmpty && rttBars.allSatisfy { abs($0 - 12) < 1e-6 }, "\(rttBars)")
        let birchPage = try await collector.request("GET", "/site?\(ViewScenario.birch.query)", extra: basic)
        #expect(birchPage.body.contains("id=\"outages\"") && birchPage.body.contains("backlog arrived"))
        #expect(birchPage.body.contains("no data reached the collector"))
        #expect(birchPage.body.contains("id=\"compliance\"") && birchPage.body.contains("abababababab"))
        let week = try await collector.request("GET", "/api/v1/site?\(ViewScenario.birch.query)&range=7d", extra: basic)
        #expect((try Self.json(week)["charts"] as? [String: Any])?["range"] as? String == "7d")
        let badRange = try await collector.request(
            "GET",
            "/api/v1/site?\(ViewScenario.birch.query)&range=1y",
            extra: basic
        )
        #expect(badRange.status == 400 && badRange.body.contains("range must be 24h or 7d"))

        // Coverage: cells with their last conclusive date, stale ones flagged, trust-wide lines.
        let coverageReply = try await collector.request("GET", "/api/v1/coverage", extra: basic)
        #expect(coverageReply.status == 200)
        let coverage = try Self.json(coverageReply)
        let cells = try #require(coverage["cells"] as? [[String: Any]])
        let ashGambling = try #require(
            cells.first { $0["site"] as? String == "ash-academy" && $0["category"] as? String == "gambling" }
        )
        #expect(ashGambling["stale"] as? Bool == true && ashGambling["latest"] as? String == "inconclusive")
        #expect(Int64(ashGambling["last_conclusive_ms"] as? Int ?? 0) <= now - 10 * ViewScenario.day)
        let oakSafe = try #require(
            cells.first { $0["site"] as? String == "oak-primary" && $0["category"] as? String == "safe_search" }
        )
        #expect(oakSafe["stale"] as? Bool == false && oakSafe["latest"] as? String == "pass")
        let lines = try #require(coverage["lines"] as? [[String: Any]])
        let safe = try #require(
            lines.first { $0["trust"] as? String == "oak-trust" && $0["category"] as? String == "safe_search" }
        )
        #expect(safe["text"] as? String == "Safe search enforced at 1 of 3 schools")
        let differing = (safe["differing"] as? [[String: Any]] ?? []).map { "\($0["site"]!):\($0["reason"]!)" }
        #expect(differing == ["ash-academy:fail", "birch-school:untested"])
        let elmSafe = lines.first {
            $0["trust"] as? String == "elm-trust" && $0["category"] as? String == "safe_search"
        }
        #expect(elmSafe?["text"] as? String == "Safe search enforced at 1 of 1 school", "each trust on its own")

        let coveragePage = try await collector.request("GET", "/coverage", extra: basic)
        #expect(coveragePage.status == 200)
        #expect(coveragePage.body.contains("Safe search enforced</strong> at 1 of 3 schools"))
        #expect(coveragePage.body.contains("/coverage?trust=oak-trust&amp;category=safe_search"))
        let focused = try await collector.request("GET", "/coverage?trust=oak-trust&category=safe_search", extra: basic)
        #expect(focused.body.contains("ash-academy") && focused.body.contains("birch-school"))
        #expect(!focused.body.contains(">oak-primary<"), "the narrowed grid shows only the schools that differ")

        // Unauthenticated: the page redirects to the form, the JSON asks for credentials.
        #expect(try await collector.request("GET", "/coverage").status == 303)
        #expect(try await collector.request("GET", "/api/v1/coverage").status == 401)
        await collector.stop()
    }

    /// A check result that arrives late (a backlog) never replaces a newer one.
    @Test func anOlderFilterResultArrivingLateDoesNotOverwriteANewerOne() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let password = try await collector.addUser("central-it")
        let token = try await collector.addAgent("oak")
        let school = ViewScenario.oak
        let now = TestBatch.nowMilliseconds()
        let newer = ViewScenario.compliance(
            "new",
            ts: now - 60_000,
            school,
            category: "gambling",
            check: "bet365",
            status: "pass",
            run: "run-2"
        )
        let older = ViewScenario.compliance(
            "old",
            ts: now - ViewScenario.hour,
            school,
            category: "gambling",
            check: "bet365",
            status: "fail",
            run: "run-1"
        )
        #expect(try await collector.ingest(ViewScenario.batch(school, number: 1, [newer]), token: token).status == 200)
        #expect(try await collector.ingest(ViewScenario.batch(school, number: 2, [older]), token: token).status == 200)
        let reply = try await collector.request("GET", "/api/v1/coverage", extra: ["-u", "central-it:\(password)"])
        let cells = try #require(try Self.json(reply)["cells"] as? [[String: Any]])
        #expect(cells.count == 1)
        #expect(cells.first?["latest"] as? String == "pass")
        #expect(Int64(cells.first?["last_conclusive_ms"] as? Int ?? 0) == now - 60_000)
        await collector.stop()
    }

    /// A backlog delivered over several batches is one late period; a separate one is another.
    @Test func aBacklogOverSeveralBatchesIsOneLatePeriod() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let token = try await collector.addAgent("birch")
        let school = ViewScenario.birch
        let now = TestBatch.nowMilliseconds()
        let minute = ViewScenario.minute
        func backlog(_ number: Int, from start: Int64) -> String {
            ViewScenario.batch(
                school,
                number: number,
                (0..<3).map { step in
                    ViewScenario.health("b\(number)-\(step)", ts: start + Int64(step) * minute, school, loss: 1)
                }
            )
        }
        // 5 h ago for 6 minutes in two batches, then 2 h ago.
        #expect(try await collector.ingest(backlog(1, from: now - 300 * minute), token: token).status == 200)
        #expect(try await collector.ingest(backlog(2, from: now - 297 * minute), token: token).status == 200)
        #expect(try await collector.ingest(backlog(3, from: now - 120 * minute), token: token).status == 200)
        #expect(try collector.count("SELECT COUNT(*) FROM late_deliveries") == 2)
        #expect(try collector.count("SELECT SUM(records) FROM late_deliveries") == 9)
        #expect(
            try collector.count("SELECT MAX(to_ms) - MIN(from_ms) FROM late_deliveries WHERE records = 6")
                == Int(5 * minute)
        )
        await collector.stop()
    }
}
