import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The gateway daemon's real delivery path into the real collector: `netwarden run` with an
/// `[[outputs.collector]]` and a token made by `agent add`; its samples and events show up in
/// `GET /api/v1/sites`, on the overview and on the school's page.
@Suite(
    .timeLimit(.minutes(3)),
    .enabled(if: collectorBuilt && DaemonUnderTest.isBuilt, "netwarden and netwarden-collector must be built")
)
struct DaemonToCollectorTests {
    @Test func daemonSamplesAndEventsAreVisibleThroughTheAPIAndThePage() async throws {
        let collector = try CollectorUnderTest()
        try await collector.start()
        let token = try await collector.addAgent("oak-primary-gw1")
        let password = try await collector.addUser("central-it")
        let scratch = collector.directory.path
        try "  \(token)\n".write(toFile: scratch + "/agent.token", atomically: true, encoding: .utf8)
        let closed = try SilentTCPListener.closedPort()
        let metricsPort = try SilentTCPListener.closedPort()
        try """
        [identity]
        trust = "oak-trust"
        site = "oak-primary"
        gateway = "gw1"

        [interfaces]
        uplink = ["lo"]

        [daemon]
        state_directory = "\(scratch)/state"

        [link]
        interval_seconds = 1

        [metrics]
        listen = "127.0.0.1:\(metricsPort)"

        [[probes.tcp]]
        name = "closed-port"
        target = "127.0.0.1"
        port = \(closed)
        interval_seconds = 1

        [[outputs.collector]]
        name = "trust"
        url = "\(collector.baseURL)/"
        token_file = "\(scratch)/agent.token"
        """.write(toFile: scratch + "/netwarden.toml", atomically: true, encoding: .utf8)
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch + "/netwarden.toml"])
        defer { daemon.signal(SIGKILL) }

        let basic = ["-u", "central-it:\(password)"]
        var sites = ""
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            let reply = try await collector.request("GET", "/api/v1/sites", extra: basic)
            sites = reply.body
            let events = try collector.count("SELECT COUNT(*) FROM events WHERE kind = 'alert_firing'")
            if reply.status == 200 && sites.contains("\"closed-port\"") && events > 0 { break }
            try await Task.sleep(for: .milliseconds(300))
        }
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()

        let parsed = try JSONSerialization.jsonObject(with: Data(sites.utf8))
        let json = try #require(parsed as? [String: Any], "\(sites)")
        let site = try #require((json["sites"] as? [[String: Any]])?.first, "\(sites)")
        #expect(site["trust"] as? String == "oak-trust")
        #expect(site["site"] as? String == "oak-primary")
        #expect(site["gateway"] as? String == "gw1")
        #expect(site["status"] as? String == "online")
        #expect((site["last_seen"] as? String)?.hasSuffix("Z") == true)
        let probes = try #require(site["probes"] as? [[String: Any]])
        #expect(
            probes.contains { $0["probe"] as? String == "closed-port" && ($0["success"] as? Double) == 0 },
            "\(probes)"
        )
        // The overview's health comes from the daemon's own families: its uplink (lo) is up.
        let uplinks = try #require(site["uplinks"] as? [[String: Any]], "\(site)")
        #expect(
            uplinks.contains { $0["interface"] as? String == "lo" && $0["up"] as? Bool == true },
            "\(uplinks)"
        )
        #expect(site["default_route_present"] is Bool || site["default_route_present"] is NSNull)
        // The daemon's link samples (lo) arrived too, with identity stored once per row.
        #expect(
            try collector.count(
                "SELECT COUNT(*) FROM samples WHERE name = 'netwarden_link_up' AND site = 'oak-primary'"
            ) > 0
        )
        #expect(
            try collector.count("SELECT COUNT(*) FROM events WHERE kind = 'alert_firing' AND subject = 'probe_down'")
                > 0
        )

        // The page: the overview lists the school, and its page shows the probe_down alert.
        let overview = try await collector.request("GET", "/", extra: basic)
        #expect(overview.status == 200)
        #expect(overview.body.contains("oak-primary") && overview.body.contains("closed-port"))
        #expect(overview.body.contains("1/1 up"), "the uplink column shows lo up")
        let page = try await collector.request(
            "GET",
            "/site?trust=oak-trust&site=oak-primary&gateway=gw1",
            extra: basic
        )
        #expect(page.status == 200)
        #expect(page.body.contains("alert_firing") && page.body.contains("probe_down"), "\(page.body.prefix(2000))")
        // ... and the same school as JSON for scripts.
        let detail = try await collector.request(
            "GET",
            "/api/v1/site?trust=oak-trust&site=oak-primary&gateway=gw1",
            extra: basic
        )
        let detailJSON = try #require(try JSONSerialization.jsonObject(with: Data(detail.body.utf8)) as? [String: Any])
        let events = try #require(detailJSON["events"] as? [[String: Any]])
        #expect(
            events.contains { $0["kind"] as? String == "alert_firing" && $0["subject"] as? String == "probe_down" }
        )
        #expect(
            (detailJSON["latest"] as? [[String: Any]])?.contains { $0["name"] as? String == "netwarden_link_up" }
                == true
        )
        #expect(
            try await collector.request("GET", "/api/v1/site?trust=oak-trust&site=oak-primary&gateway=gw1").status
                == 401
        )
        await collector.stop()
    }
}
