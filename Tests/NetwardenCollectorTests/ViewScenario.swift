import Foundation

/// A small trust seeded through the real ingest path with the families and event kinds the
/// daemon sends (link, ICMP, probe, Wi-Fi samples; `filter_compliance` events carrying the
/// compliance chain's attributes), shaped so every view has something to show:
/// - oak-primary: healthy, every filter category passing from the `students` vantage;
/// - ash-academy: one of two uplinks down, 20 % loss, DNS failing, weak Wi-Fi, safe search
///   failing, gambling last proven ten days ago;
/// - birch-school: its link failed three hours ago; the backlog of 3 h to 2.5 h ago arrived late,
///   nothing since (offline); its only filter run was inconclusive;
/// - elm-academy in another trust, healthy.
enum ViewScenario {
    static let trust = "oak-trust"
    static let minute: Int64 = 60_000
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000

    struct School {
        var trust: String
        var site: String
        var gateway = "gw1"
        var identity: String { TestBatch.identity(trust, site, gateway) }
        var query: String { "trust=\(trust)&site=\(site)&gateway=\(gateway)" }
    }

    static let oak = School(trust: trust, site: "oak-primary")
    static let ash = School(trust: trust, site: "ash-academy")
    static let birch = School(trust: trust, site: "birch-school")
    static let elm = School(trust: "elm-trust", site: "elm-academy")

    /// One `samples` record: `(family, labels, value)` triples observed at `ts`.
    static func group(
        _ id: String,
        ts: Int64,
        _ school: School,
        _ samples: [(String, [String: String], Double?)]
    )
        -> String
    {
        let items = samples.map { name, labels, value in
            let labelText = labels.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }.joined(
                separator: ","
            )
            return #"{"name":"\#(name)","labels":{\#(labelText)},"value":\#(value.map { "\($0)" } ?? "null")}"#
        }.joined(separator: ",")
        return #"{"type":"samples","id":"\#(id)","ts":\#(ts),"identity":\#(school.identity),"samples":[\#(items)]}"#
    }

    /// The samples a gateway publishes in one round: uplinks, default route, ICMP, DNS and HTTP
    /// probes, Wi-Fi.
    static func health(
        _ id: String,
        ts: Int64,
        _ school: School,
        uplinks: [String: Double] = ["eth0": 1],
        loss: Double = 0,
        rtt: Double = 0.012,
        dns: Double = 1,
        http: Double = 1,
        signal: Double? = -58
    ) -> String {
        var samples: [(String, [String: String], Double?)] = []
        for (interface, up) in uplinks.sorted(by: { $0.key < $1.key }) {
            samples.append(("netwarden_link_up", ["interface": interface, "role": "uplink"], up))
        }
        samples.append(("netwarden_link_up", ["interface": "lan0", "role": "lan"], 1))
        samples.append(("netwarden_default_route_present", [:], 1))
        samples.append(("netwarden_icmp_loss_ratio", ["probe": "isp-gw", "kind": "icmp", "target": "192.0.2.1"], loss))
        for (stat, value) in [("min", rtt * 0.8), ("avg", rtt), ("max", rtt * 1.5)] {
            samples.append(
                (
                    "netwarden_icmp_rtt_seconds",
                    ["probe": "isp-gw", "kind": "icmp", "target": "192.0.2.1", "stat": stat], value
                )
            )
        }
        samples.append(("probe_success", ["probe": "isp-gw", "kind": "icmp", "target": "192.0.2.1"], loss < 1 ? 1 : 0))
        samples.append(("probe_success", ["probe": "resolver", "kind": "dns", "target": "10.0.0.53"], dns))
        samples.append(("probe_success", ["probe": "vle", "kind": "http", "target": "https://vle.example/"], http))
        if let signal { samples.append(("netwarden_wifi_signal_dbm", ["interface": "wlan0"], signal)) }
        return group(id, ts: ts, school, samples)
    }

    /// A `filter_compliance` event with the attributes the daemon's compliance chain writes.
    static func compliance(
        _ id: String,
        ts: Int64,
        _ school: School,
        category: String,
        check: String,
        kind: String = "canary",
        expect: String = "blocked",
        status: String,
        vantage: String = "students",
        run: String = "run-1"
    ) -> String {
        let attributes = [
            ("run", run), ("site", school.site), ("vantage", vantage), ("check", check), ("kind", kind),
            ("category", category), ("target", "https://\(check).example/"), ("expect", expect), ("status", status),
            ("blocked_by", status == "pass" ? "dns" : ""), ("method", "DNS -> TCP -> TLS -> HTTP"),
            ("hash", String(repeating: "ab", count: 32)),
        ].map { "\"\($0.0)\":\"\($0.1)\"" }.joined(separator: ",")
        return
            #"{"type":"event","event":{"ts":\#(ts),"id":"\#(id)","trust":"\#(school.trust)","site":"\#(school.site)","gateway":"\#(school.gateway)","kind":"filter_compliance","severity":"info","subject":"\#(kind) \#(check) from \#(vantage): \#(status)","evidence":"\#(check): answered by the school resolver","attributes":{\#(attributes)}}}"#
    }

    static func batch(_ school: School, number: Int, _ records: [String]) -> String {
        ([TestBatch.header(agent: school.identity, batch: number, records: records.count)] + records).joined(
            separator: "\n"
        ) + "\n"
    }

    /// Seeds the trust through `POST /api/v1/ingest` with one agent per gateway; returns `now`.
    @discardableResult
    static func seed(_ collector: CollectorUnderTest) async throws -> Int64 {
        let now = TestBatch.nowMilliseconds()
        var batches: [(School, [String])] = []
        // oak: healthy now and two hours ago (loss then, for the 24-hour mean), filter passing.
        batches.append(
            (
                oak,
                [
                    health("oak-h2", ts: now - 2 * hour, oak, loss: 0.1),
                    health("oak-h0", ts: now - 20_000, oak),
                    compliance(
                        "oak-c1",
                        ts: now - 2 * hour,
                        oak,
                        category: "safe_search",
                        check: "google",
                        kind: "safe_search",
                        expect: "enforced",
                        status: "pass"
                    ),
                    compliance(
                        "oak-c2",
                        ts: now - 2 * hour,
                        oak,
                        category: "gambling",
                        check: "bet365",
                        status: "pass"
                    ),
                ]
            )
        )
        // ash: trouble now; gambling's only conclusive test is ten days old.
        batches.append(
            (
                ash,
                [
                    compliance(
                        "ash-c0",
                        ts: now - 10 * day,
                        ash,
                        category: "gambling",
                        check: "bet365",
                        status: "pass",
                        run: "run-0"
                    ),
                    health(
                        "ash-h0",
                        ts: now - 30_000,
                        ash,
                        uplinks: ["eth0": 1, "eth1": 0],
                        loss: 0.2,
                        rtt: 0.09,
                        dns: 0,
                        signal: -81
                    ),
                    compliance(
                        "ash-c1",
                        ts: now - hour,
                        ash,
                        category: "safe_search",
                        check: "google",
                        kind: "safe_search",
                        expect: "enforced",
                        status: "fail"
                    ),
                    compliance(
                        "ash-c2",
                        ts: now - hour,
                        ash,
                        category: "gambling",
                        check: "bet365",
                        status: "inconclusive"
                    ),
                ]
            )
        )
        // birch: a backlog from before its link failed, delivered late, then nothing.
        var backlog: [String] = []
        for step in 0..<6 {
            backlog.append(health("birch-h\(step)", ts: now - 3 * hour + Int64(step) * 5 * minute, birch, loss: 1))
        }
        backlog.append(
            compliance(
                "birch-c1",
                ts: now - 3 * hour,
                birch,
                category: "safe_search",
                check: "google",
                kind: "safe_search",
                expect: "enforced",
                status: "inconclusive"
            )
        )
        batches.append((birch, backlog))
        batches.append(
            (
                elm,
                [
                    health("elm-h0", ts: now - 10_000, elm),
                    compliance(
                        "elm-c1",
                        ts: now - hour,
                        elm,
                        category: "safe_search",
                        check: "google",
                        kind: "safe_search",
                        expect: "enforced",
                        status: "pass"
                    ),
                ]
            )
        )
        for (index, (school, records)) in batches.enumerated() {
            let token = try await collector.addAgent("\(school.site)-\(school.gateway)")
            let reply = try await collector.ingest(batch(school, number: index + 1, records), token: token)
            guard reply.status == 200 else {
                throw ScenarioError(description: "seeding \(school.site): \(reply.status) \(reply.body)")
            }
        }
        return now
    }

    struct ScenarioError: Error, CustomStringConvertible {
        var description: String
    }
}
