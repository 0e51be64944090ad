import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// Alert routing with real processes: the gateway daemon fires and resolves, the collector
/// routes, and a local webhook receiver (an HTTP server recording every request) counts what
/// arrives. Short intervals keep each test to seconds.
@Suite(
    .timeLimit(.minutes(3)),
    .enabled(if: collectorBuilt && DaemonUnderTest.isBuilt, "netwarden and netwarden-collector must be built")
)
struct AlertRoutingEndToEndTests {
    static func daemonConfig(scratch: String, collector: CollectorUnderTest, probePort: UInt16) throws -> String {
        let metricsPort = try SilentTCPListener.closedPort()
        let path = scratch + "/netwarden.toml"
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
        name = "vle"
        target = "127.0.0.1"
        port = \(probePort)
        interval_seconds = 1

        [alerts]
        include_defaults = false

        [[alerts.rule]]
        name = "probe_down"
        metric = "probe_success"
        below = 1
        for_intervals = 2
        clear_intervals = 2
        severity = "critical"

        [[outputs.collector]]
        name = "trust"
        url = "\(collector.baseURL)/"
        token_file = "\(scratch)/agent.token"
        """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static func webhookConfig(url: String, offlineAfter: Double, groupWait: Double, alerts: String = "") -> String {
        """
        [alerts]
        offline_after_seconds = \(offlineAfter)
        \(alerts)
        external_url = "http://collector.test/"

        [[receiver]]
        name = "it-team"
        kind = "webhook"
        url = "\(url)"

        [[route]]
        receiver = "it-team"
        group_wait_seconds = \(groupWait)
        group_interval_seconds = 1
        repeat_interval_seconds = 3600
        """
    }

    /// The webhook bodies received so far.
    static func bodies(_ server: UploadTestServer) -> [[String: Any]] {
        server.requests().filter { $0.path == "/hook" }.map { AlertingTestSupport.json($0.body) }
    }

    static func alertnames(_ body: [String: Any], status: String) -> [String] {
        (body["alerts"] as? [[String: Any]] ?? []).filter { $0["status"] as? String == status }.compactMap {
            ($0["labels"] as? [String: String])?["alertname"]
        }
    }

    @Test func aProbeTargetGoingDownAndBackGivesExactlyOneFiringAndOneResolved() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-routing")
        let target = try TCPProbeTarget()
        try await target.start()
        try await UploadTestServer.with(.http, directory: scratch.path) { webhook in
            let collector = try CollectorUnderTest(
                extra: Self.webhookConfig(url: webhook.baseURL + "/hook", offlineAfter: 60, groupWait: 1)
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            try "\(token)\n".write(toFile: scratch.path + "/agent.token", atomically: true, encoding: .utf8)
            let config = try Self.daemonConfig(scratch: scratch.path, collector: collector, probePort: target.port)
            let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
            defer { daemon.signal(SIGKILL) }

            // Up first: the collector sees the probe succeed.
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) {
                    try collector.count("SELECT COUNT(*) FROM samples WHERE name = 'probe_success' AND value = 1") > 0
                }
            )
            await target.stop()
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) { !Self.bodies(webhook).isEmpty },
                "\(webhook.output)"
            )
            try await target.start()
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) { Self.bodies(webhook).count >= 2 },
                "\(webhook.output)"
            )
            // Several more looks at the group and ticks: nothing else may arrive.
            try await Task.sleep(for: .seconds(4))
            daemon.signal(SIGTERM)
            _ = try await daemon.waitForExit()

            let bodies = Self.bodies(webhook)
            #expect(bodies.count == 2, "\(bodies)")
            let firing = try #require(bodies.first)
            #expect(firing["version"] as? String == "4")
            #expect(firing["status"] as? String == "firing")
            #expect(firing["receiver"] as? String == "it-team")
            #expect(firing["groupLabels"] as? [String: String] == ["trust": "oak-trust", "site": "oak-primary"])
            #expect(firing["externalURL"] as? String == "http://collector.test/")
            #expect(Self.alertnames(firing, status: "firing") == ["probe_down"])
            let alert = try #require((firing["alerts"] as? [[String: Any]])?.first)
            let labels = try #require(alert["labels"] as? [String: String])
            #expect(labels["probe"] == "vle")
            #expect(labels["gateway"] == "gw1")
            #expect(labels["severity"] == "critical")
            #expect((alert["fingerprint"] as? String)?.count == 16)
            #expect(alert["endsAt"] as? String == "0001-01-01T00:00:00Z")
            let resolved = bodies[1]
            #expect(resolved["status"] as? String == "resolved")
            #expect(Self.alertnames(resolved, status: "resolved") == ["probe_down"])
            let resolvedAlert = try #require((resolved["alerts"] as? [[String: Any]])?.first)
            #expect(resolvedAlert["fingerprint"] as? String == alert["fingerprint"] as? String)
            #expect(resolvedAlert["startsAt"] as? String == alert["startsAt"] as? String)
            #expect(resolvedAlert["endsAt"] as? String != "0001-01-01T00:00:00Z")
            #expect(try collector.count("SELECT COUNT(*) FROM notifications WHERE outcome = 'sent'") == 2)
        }
        await target.stop()
    }

    @Test func aKilledDaemonGivesOneSchoolOfflineAndItsProbeAlertIsInhibited() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-routing")
        try await UploadTestServer.with(.http, directory: scratch.path) { webhook in
            // The group waits longer than the offline threshold, so by its first look the
            // school is offline and its probe alert is a symptom.
            let collector = try CollectorUnderTest(
                extra: Self.webhookConfig(url: webhook.baseURL + "/hook", offlineAfter: 5, groupWait: 10)
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            let password = try await collector.addUser("central-it")
            try "\(token)\n".write(toFile: scratch.path + "/agent.token", atomically: true, encoding: .utf8)
            let closed = try SilentTCPListener.closedPort()
            let config = try Self.daemonConfig(scratch: scratch.path, collector: collector, probePort: closed)
            let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
            defer { daemon.signal(SIGKILL) }
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) {
                    try collector.count("SELECT COUNT(*) FROM events WHERE kind = 'alert_firing'") > 0
                }
            )
            daemon.signal(SIGKILL)
            _ = try await daemon.waitForExit()

            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(40)) { !Self.bodies(webhook).isEmpty },
                "\(webhook.output)"
            )
            try await Task.sleep(for: .seconds(4))
            let bodies = Self.bodies(webhook)
            #expect(bodies.count == 1, "\(bodies)")
            #expect(bodies.first.map { Self.alertnames($0, status: "firing") } == ["school_offline"])
            #expect(bodies.first?["status"] as? String == "firing")

            // Recorded, not sent: the history says the probe alert was inhibited, and why.
            let basic = ["-u", "central-it:\(password)"]
            let history = try await collector.request("GET", "/api/v1/notifications?outcome=suppressed", extra: basic)
            let rows = AlertingTestSupport.json(history.body)["notifications"] as? [[String: Any]] ?? []
            #expect(rows.count == 1, "\(history.body)")
            let held = rows.first?["alerts"] as? String ?? ""
            #expect(
                held.hasPrefix("probe_down(") && held.contains("probe=vle") && held.hasSuffix("@gw1 firing"),
                "\(held)"
            )
            #expect(rows.first?["reason"] as? String == "inhibited: inhibited by school_offline")
            let open = try await collector.request("GET", "/api/v1/alerts", extra: basic)
            let alerts = AlertingTestSupport.json(open.body)["alerts"] as? [[String: Any]] ?? []
            #expect(Set(alerts.compactMap { $0["alertname"] as? String }) == ["probe_down", "school_offline"])
            #expect(
                (alerts.first { $0["alertname"] as? String == "probe_down" }?["suppressed"] as? [String: Any])?[
                    "reason"
                ]
                    as? String == "inhibited"
            )
            // The overview lists the school's open alerts; the history page shows the reason.
            let overview = try await collector.request("GET", "/", extra: basic)
            #expect(overview.body.contains("id=\"open-alerts-table\"") && overview.body.contains("school_offline"))
            let page = try await collector.request("GET", "/alerts", extra: basic)
            #expect(page.status == 200)
            #expect(page.body.contains("inhibited by school_offline"), "\(page.body.prefix(3000))")
        }
    }

    @Test func maintenanceWindowsAndSilencesHoldAlertsBackAndTheHistorySaysWhy() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-routing")
        try await UploadTestServer.with(.http, directory: scratch.path) { webhook in
            let collector = try CollectorUnderTest(
                extra: Self.webhookConfig(url: webhook.baseURL + "/hook", offlineAfter: 600, groupWait: 0.2) + """

                    [[silence]]
                    kind = "maintenance"
                    trust = "oak-trust"
                    site = "oak-primary"
                    starts = "2020-01-01T00:00:00Z"
                    ends = "2100-01-01T00:00:00Z"
                    comment = "uplink upgrade"
                    """
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            let password = try await collector.addUser("central-it")
            let basic = ["-u", "central-it:\(password)"]

            // A silence for ash-academy made through the JSON API.
            let created = try await collector.request(
                "POST",
                "/api/v1/silences",
                body: Array(
                    #"{"kind":"silence","trust":"oak-trust","site":"ash-academy","duration_minutes":60,"comment":"known ISP fault"}"#
                        .utf8
                ),
                headers: ["Content-Type": "application/json"],
                extra: basic
            )
            #expect(created.status == 201, "\(created.body)")
            let silenceID = try #require(AlertingTestSupport.json(created.body)["id"] as? String)
            #expect(silenceID.hasPrefix("db:"))

            let now = TestBatch.nowMilliseconds()
            let events = [
                AlertingTestSupport.alertEvent(id: "a-oak", firing: true, since: now, ts: now),
                AlertingTestSupport.alertEvent(id: "a-ash", firing: true, site: "ash-academy", since: now, ts: now),
            ]
            #expect(try await collector.ingest(AlertingTestSupport.batch(1, events), token: token).status == 200)
            var rows: [[String: Any]] = []
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(20)) {
                    let history = try await collector.request(
                        "GET",
                        "/api/v1/notifications?outcome=suppressed",
                        extra: basic
                    )
                    rows = AlertingTestSupport.json(history.body)["notifications"] as? [[String: Any]] ?? []
                    return rows.count >= 2
                }
            )
            try await Task.sleep(for: .seconds(2))
            #expect(Self.bodies(webhook).isEmpty, "\(Self.bodies(webhook))")
            let reasons = Dictionary(
                uniqueKeysWithValues: rows.map { ($0["site"] as? String ?? "", $0["reason"] as? String ?? "") }
            )
            #expect(reasons["oak-primary"] == "maintenance: maintenance window config:1: uplink upgrade")
            #expect(reasons["ash-academy"] == "silenced: silence \(silenceID): known ISP fault")

            // The page lists both windows; its form refuses a post without the session's token.
            let page = try await collector.request("GET", "/alerts", extra: basic)
            #expect(page.body.contains("uplink upgrade") && page.body.contains("known ISP fault"))
            let forged = try await collector.request(
                "POST",
                "/alerts/silences",
                body: Array("trust=oak-trust&duration_minutes=60".utf8),
                headers: ["Content-Type": "application/x-www-form-urlencoded"],
                extra: basic
            )
            #expect(forged.status == 403)
            let anonymous = try await collector.request("GET", "/api/v1/silences")
            #expect(anonymous.status == 401)

            // Ending the silence lets ash's still-firing alert out at the group's next look.
            let expired = try await collector.request("DELETE", "/api/v1/silences?id=\(silenceID)", extra: basic)
            #expect(expired.status == 200, "\(expired.body)")
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(20)) { !Self.bodies(webhook).isEmpty }
            )
            try await Task.sleep(for: .seconds(2))
            let bodies = Self.bodies(webhook)
            #expect(bodies.count == 1)
            #expect(bodies.first?["groupLabels"] as? [String: String] == ["trust": "oak-trust", "site": "ash-academy"])
            #expect(bodies.first.map { Self.alertnames($0, status: "firing") } == ["probe_down"])
        }
    }
    @Test func aBacklogOfLateAlertsIsSentAsOneSummary() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-routing")
        try await UploadTestServer.with(.http, directory: scratch.path) { webhook in
            let collector = try CollectorUnderTest(
                extra: Self.webhookConfig(
                    url: webhook.baseURL + "/hook",
                    offlineAfter: 600,
                    groupWait: 0.2,
                    alerts: "late_after_seconds = 60\nlate_summary_wait_seconds = 1"
                )
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            let password = try await collector.addUser("central-it")
            let basic = ["-u", "central-it:\(password)"]
            // An hour-old backlog in three batches: probes down and back while the uplink was out.
            let hourAgo = TestBatch.nowMilliseconds() - 3_600_000
            let batches = [
                [
                    AlertingTestSupport.alertEvent(id: "l-1", firing: true, since: hourAgo, ts: hourAgo),
                    AlertingTestSupport.alertEvent(
                        id: "l-2",
                        firing: true,
                        alertname: "dns_slow",
                        probe: "dns",
                        since: hourAgo + 60_000,
                        ts: hourAgo + 60_000
                    ),
                ],
                [AlertingTestSupport.alertEvent(id: "l-3", firing: false, since: hourAgo, ts: hourAgo + 600_000)],
                [
                    AlertingTestSupport.alertEvent(
                        id: "l-4",
                        firing: false,
                        alertname: "dns_slow",
                        probe: "dns",
                        since: hourAgo + 60_000,
                        ts: hourAgo + 900_000
                    )
                ],
            ]
            for (index, events) in batches.enumerated() {
                let reply = try await collector.ingest(AlertingTestSupport.batch(index + 1, events), token: token)
                #expect(reply.status == 200, "\(reply.body)")
            }
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(20)) { !Self.bodies(webhook).isEmpty }
            )
            try await Task.sleep(for: .seconds(3))
            let bodies = Self.bodies(webhook)
            #expect(bodies.count == 1, "\(bodies)")
            let alert = try #require((bodies.first?["alerts"] as? [[String: Any]])?.first)
            #expect((alert["labels"] as? [String: String])?["alertname"] == "late_alerts")
            #expect(alert["status"] as? String == "resolved")
            let summary = (alert["annotations"] as? [String: String])?["summary"] ?? ""
            #expect(summary.hasPrefix("while offline, "), "\(summary)")
            #expect(
                summary.contains("probe_down (probe=vle) fired ") && summary.contains("dns_slow (probe=dns) fired ")
            )
            let history = try await collector.request("GET", "/api/v1/notifications", extra: basic)
            let rows = AlertingTestSupport.json(history.body)["notifications"] as? [[String: Any]] ?? []
            #expect(rows.filter { $0["outcome"] as? String == "suppressed" }.count == 2, "\(history.body)")
            #expect(
                rows.filter { $0["outcome"] as? String == "suppressed" }.allSatisfy {
                    ($0["reason"] as? String)?.hasPrefix("late-summary: ") == true
                }
            )
            #expect(rows.contains { $0["outcome"] as? String == "sent" && $0["status"] as? String == "late-summary" })

            // The pages need a signed-in user; bad API input gets a clear 400.
            #expect(try await collector.request("GET", "/alerts").status == 303)
            let bad = try await collector.request(
                "POST",
                "/api/v1/silences",
                body: Array(#"{"trust":"oak-trust","duration_minutes":"soon"}"#.utf8),
                headers: ["Content-Type": "application/json"],
                extra: basic
            )
            #expect(bad.status == 400)
            #expect(
                AlertingTestSupport.json(bad.body)["error"] as? String
                    == "duration_minutes must be a whole number from 1 to 576000"
            )
            let notJSON = try await collector.request("POST", "/api/v1/silences", body: Array("{".utf8), extra: basic)
            #expect(notJSON.status == 400)
        }
    }
    @Test func aRestartedCollectorDoesNotPageAgainButSendsTheResolution() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-routing")
        try await UploadTestServer.with(.http, directory: scratch.path) { webhook in
            let collector = try CollectorUnderTest(
                extra: Self.webhookConfig(url: webhook.baseURL + "/hook", offlineAfter: 600, groupWait: 0.2)
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            let now = TestBatch.nowMilliseconds()
            let firing = AlertingTestSupport.alertEvent(id: "r-1", firing: true, since: now, ts: now)
            #expect(try await collector.ingest(AlertingTestSupport.batch(1, [firing]), token: token).status == 200)
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(20)) { !Self.bodies(webhook).isEmpty }
            )
            await collector.stop()
            try await collector.start()
            try await Task.sleep(for: .seconds(3))
            #expect(Self.bodies(webhook).count == 1)
            let resolved = AlertingTestSupport.alertEvent(id: "r-1-r", firing: false, since: now, ts: now + 1000)
            #expect(try await collector.ingest(AlertingTestSupport.batch(2, [resolved]), token: token).status == 200)
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(20)) { Self.bodies(webhook).count >= 2 }
            )
            try await Task.sleep(for: .seconds(2))
            let bodies = Self.bodies(webhook)
            #expect(bodies.count == 2)
            #expect(bodies.last?["status"] as? String == "resolved")
        }
    }
}
