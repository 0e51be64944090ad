import Foundation
import NetwardenCompression
import NetwardenTestSupport
import Testing

/// The daemon's deliveries read back from real engines and from receivers that check the
/// contracts: what VictoriaMetrics and Prometheus return is exactly what the daemon produced
/// (its local outbox is the oracle), /metrics passes promtool, and Loki and collector pushes
/// have the documented shape.
@Suite(
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct DeliveryEngineTests {
    static let victoriaMetrics = LabProgram("victoria-metrics", debianPackage: "victoria-metrics")
    static let prometheus = LabProgram("prometheus", debianPackage: "prometheus")
    static let promtool = LabProgram("promtool", debianPackage: "prometheus")

    static func missing(_ programs: [LabProgram]) -> String? {
        let missing = programs.filter { !$0.isInstalled }
        return missing.isEmpty ? nil : "needs " + missing.map(\.description).joined(separator: ", ")
    }

    /// The series compared against the engines: link state and counters, the default-gateway
    /// probe, and self-metrics (which change every round).
    static let compared: Set<String> = [
        "netwarden_link_up", "netwarden_link_receive_bytes_total", "netwarden_link_transmit_packets_total",
        "netwarden_link_mtu_bytes", "netwarden_samples_published_total",
    ]

    static func get(_ url: String) async throws -> String {
        try await Command(["curl", "-sS", "-g", "--max-time", "10", url]).run().standardOutputText
    }

    /// Runs the daemon until its remote write output has delivered everything, stops it, and
    /// returns the samples it produced before the moment delivery had caught up.
    static func produceAndDeliver(
        _ scratch: DeliveryScratch
    ) async throws -> [(name: String, labels: [String: String], value: Double?, ts: Int64)] {
        let daemon = try await scratch.start()
        _ = try await daemon.waitForLog(containing: "netwarden ready")
        // A few rounds of samples, then wait for the backlog to be gone.
        try await Task.sleep(for: .seconds(4))
        // Records keep coming every second, so the backlog is rarely empty; the oldest unsent
        // record's age says up to when everything was delivered. The gauge is refreshed once a
        // second, so allow three seconds on top.
        var caughtUp: Int64 = 0
        let delivered = await DeliveryScratch.eventually {
            let now = DeliveryScratch.nowMilliseconds()
            guard let age = await scratch.metric("netwarden_output_oldest_unsent_age_seconds"),
                (await scratch.metric("netwarden_output_sent_records_total") ?? 0) > 5
            else { return false }
            caughtUp = now - Int64(age * 1000) - 3000
            return true
        }
        #expect(delivered, "the output never delivered: \(daemon.logLines.suffix(20))")
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
        return try scratch.producedSamples().filter { $0.ts <= caughtUp && compared.contains($0.name) }
    }

    @Test(.enabled(if: missing([victoriaMetrics, .curl]) == nil, "\(missing([victoriaMetrics, .curl]) ?? "")"))
    func victoriaMetricsReturnsExactlyWhatTheDaemonProduced() async throws {
        let scratch = try DeliveryScratch()
        let port = try SilentTCPListener.closedPort()
        let engine = try await BackgroundProcess(
            [
                "victoria-metrics", "-httpListenAddr=127.0.0.1:\(port)",
                "-storageDataPath=\(scratch.directory.path)/vm", "-loggerLevel=ERROR", "-search.latencyOffset=0s",
                "-search.disableCache",
            ],
            name: "victoria-metrics"
        )
        defer { Task { await engine.terminate() } }
        try await engine.waitUntilReady { LabSocket.canConnect(to: "127.0.0.1", port: port) }
        try scratch.writeConfig(
            outputs: """
                [[outputs.remote_write]]
                name = "vm"
                url = "http://127.0.0.1:\(port)/api/v1/write"
                """
        )
        let produced = try await Self.produceAndDeliver(scratch)
        try #require(produced.count >= 10, "too few samples produced: \(produced.count)")

        _ = try await Self.get("http://127.0.0.1:\(port)/internal/force_flush")
        var stored: [String: [Int64: Double]] = [:]
        let names = Self.compared.sorted().joined(separator: "|")
        let text = try await Self.get("http://127.0.0.1:\(port)/api/v1/export?match[]={__name__=~\"\(names)\"}")
        for line in text.split(separator: "\n") {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let metric = try #require(object["metric"] as? [String: String])
            let values = try #require(object["values"] as? [Double])
            let timestamps = try #require(object["timestamps"] as? [Int64])
            stored[Self.key(metric), default: [:]].merge(zip(timestamps, values).map { $0 }) { $1 }
        }
        var missing: [String] = []
        for sample in produced {
            var labels = sample.labels
            labels["__name__"] = sample.name
            let value = stored[Self.key(labels)]?[sample.ts]
            if value != sample.value {
                missing.append("\(Self.key(labels))@\(sample.ts)=\(sample.value ?? .nan) got \(value ?? .nan)")
            }
        }
        #expect(missing.isEmpty, "\(missing.count) of \(produced.count) samples differ: \(missing.prefix(5))")
    }

    @Test(.enabled(if: missing([prometheus, .curl]) == nil, "\(missing([prometheus, .curl]) ?? "")"))
    func prometheusWithAnOutOfOrderWindowTakesABackfilledBacklog() async throws {
        let scratch = try DeliveryScratch()
        let port = try SilentTCPListener.closedPort()
        // First the engine is down: the daemon spools a backlog.
        try scratch.writeConfig(
            outputs: """
                [[outputs.remote_write]]
                name = "prom"
                url = "http://127.0.0.1:\(port)/api/v1/write"
                min_backoff_seconds = 0.1
                max_backoff_seconds = 0.5
                """
        )
        let first = try await scratch.start()
        _ = try await first.waitForLog(containing: "netwarden ready")
        try await Task.sleep(for: .seconds(3))
        first.signal(SIGTERM)
        _ = try await first.waitForExit()

        let config = scratch.directory.path + "/prometheus.yml"
        // The window lets Prometheus accept the backlog's older samples after newer ones.
        try "storage:\n  tsdb:\n    out_of_order_time_window: 1h\n".write(
            toFile: config,
            atomically: true,
            encoding: .utf8
        )
        let engine = try await BackgroundProcess(
            [
                "prometheus", "--config.file=\(config)", "--web.listen-address=127.0.0.1:\(port)",
                "--storage.tsdb.path=\(scratch.directory.path)/prom", "--web.enable-remote-write-receiver",
                "--log.level=warn",
            ],
            name: "prometheus"
        )
        defer { Task { await engine.terminate() } }
        try await engine.waitUntilReady(timeout: .seconds(30)) {
            (try? await Self.get("http://127.0.0.1:\(port)/-/ready").contains("Ready")) == true
        }
        let produced = try await Self.produceAndDeliver(scratch)
        try #require(produced.count >= 10, "too few samples produced: \(produced.count)")

        var stored: [String: [Int64: Double]] = [:]
        for name in Self.compared {
            let now = DeliveryScratch.nowMilliseconds() / 1000 + 1
            let text = try await Self.get("http://127.0.0.1:\(port)/api/v1/query?query=\(name)[10m]&time=\(now)")
            let json = try #require(JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
            let data = try #require(json["data"] as? [String: Any])
            for result in try #require(data["result"] as? [[String: Any]]) {
                let metric = try #require(result["metric"] as? [String: String])
                for pair in try #require(result["values"] as? [[Any]]) {
                    let seconds = try #require((pair[0] as? NSNumber)?.doubleValue)
                    let text = try #require(pair[1] as? String)
                    let value = try #require(Double(text))
                    stored[Self.key(metric), default: [:]][Int64((seconds * 1000).rounded())] = value
                }
            }
        }
        var missing: [String] = []
        for sample in produced {
            var labels = sample.labels
            labels["__name__"] = sample.name
            if stored[Self.key(labels)]?[sample.ts] != sample.value {
                missing.append("\(Self.key(labels))@\(sample.ts)")
            }
        }
        #expect(missing.isEmpty, "\(missing.count) of \(produced.count) samples missing: \(missing.prefix(5))")
    }

    @Test(.enabled(if: missing([promtool, .curl]) == nil, "\(missing([promtool, .curl]) ?? "")"))
    func metricsEndpointPassesPromtool() async throws {
        let scratch = try DeliveryScratch()
        let closed = try SilentTCPListener.closedPort()
        // An output that cannot deliver, so spool and output self-metrics have values too.
        try scratch.writeConfig(
            outputs: """
                [[outputs.remote_write]]
                name = "nowhere"
                url = "http://127.0.0.1:\(closed)/api/v1/write"
                """
        )
        let daemon = try await scratch.start()
        _ = try await daemon.waitForLog(containing: "netwarden ready")
        #expect(await DeliveryScratch.eventually { await scratch.metric("netwarden_output_retries_total") ?? 0 > 0 })
        let text = try await Self.get("http://127.0.0.1:\(scratch.metricsPort)/metrics")
        #expect(text.contains("# TYPE netwarden_spool_records gauge"))
        #expect(text.contains("probe_success{"))
        #expect(
            text.contains(
                #"netwarden_output_oldest_unsent_age_seconds{trust="oak-trust",site="oak-primary",gateway="gw1",output="nowhere"}"#
            )
        )
        let check = try await Command(["promtool", "check", "metrics"], standardInput: Array(text.utf8)).run(
            check: false
        )
        #expect(check.succeeded, "\(check.standardOutputText)\(check.standardErrorText)")
        #expect(check.standardOutputText.isEmpty && check.standardErrorText.isEmpty, "\(check.standardErrorText)")
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
    }

    @Test(.requiresPrograms(.python3))
    func lokiAndCollectorPushesFollowTheirContracts() async throws {
        let scratch = try DeliveryScratch()
        try "  agent-token-123\n".write(toFile: scratch.directory.path + "/token", atomically: true, encoding: .utf8)
        let closed = try SilentTCPListener.closedPort()
        try await UploadTestServer.with(.http, directory: scratch.directory.path) { server in
            try scratch.writeConfig(
                outputs: """
                    [[outputs.loki]]
                    name = "loki"
                    url = "\(server.baseURL)/loki/api/v1/push"
                    headers = { X-Scope-OrgID = "oak" }

                    [[outputs.collector]]
                    name = "trust"
                    url = "\(server.baseURL)/"
                    token_file = "\(scratch.directory.path)/token"
                    """,
                extra: """
                    [[probes.tcp]]
                    name = "closed-port"
                    target = "127.0.0.1"
                    port = \(closed)
                    interval_seconds = 1
                    """
            )
            let daemon = try await scratch.start()
            // probe_down fires after three failed runs, one a second.
            _ = try await daemon.waitForLog(containing: "alert firing")
            let delivered = await DeliveryScratch.eventually {
                let requests = server.requests()
                return requests.contains { $0.path == "/loki/api/v1/push" }
                    && requests.contains { $0.path == "/api/v1/ingest" }
            }
            #expect(delivered, "\(server.requests().map(\.path))")
            daemon.signal(SIGTERM)
            _ = try await daemon.waitForExit()

            // Loki: gzip JSON, identity and kind as stream labels, the event JSON as the line.
            let loki = try #require(server.requests().first { $0.path == "/loki/api/v1/push" })
            #expect(loki.header("Content-Encoding") == "gzip")
            #expect(loki.header("Content-Type") == "application/json")
            #expect(loki.header("X-Scope-OrgID") == "oak")
            let push = try #require(
                try JSONSerialization.jsonObject(with: Data(Gzip.decompress(loki.body, maxBytes: 1 << 24)))
                    as? [String: Any]
            )
            let streams = try #require(push["streams"] as? [[String: Any]])
            let failed = try #require(
                streams.first { ($0["stream"] as? [String: String])?["kind"] == "alert_firing" },
                "\(streams)"
            )
            #expect(
                failed["stream"] as? [String: String] == [
                    "trust": "oak-trust", "site": "oak-primary", "gateway": "gw1", "source": "netwarden",
                    "kind": "alert_firing", "severity": "critical",
                ]
            )
            let entry = try #require((failed["values"] as? [[String]])?.first)
            #expect(entry[0].count >= 19 && entry[0].hasSuffix("000000"))
            let line = try #require(JSONSerialization.jsonObject(with: Data(entry[1].utf8)) as? [String: Any])
            #expect(line["subject"] as? String == "probe_down")
            let attributes = try #require(line["attributes"] as? [String: String])
            #expect(attributes["alertname"] == "probe_down" && attributes["probe"] == "closed-port")
            #expect(attributes["state"] == "firing")

            // Collector: bearer token from the file (trimmed), gzip NDJSON with a header line.
            let ingest = try #require(server.requests().first { $0.path == "/api/v1/ingest" })
            #expect(ingest.header("Authorization") == "Bearer agent-token-123")
            #expect(ingest.header("Content-Type") == "application/x-ndjson")
            let lines = String(decoding: try Gzip.decompress(ingest.body, maxBytes: 1 << 24), as: UTF8.self)
                .split(separator: "\n")
            let header = try #require(JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any])
            #expect(header["type"] as? String == "batch")
            #expect(
                header["agent"] as? [String: String] == ["trust": "oak-trust", "site": "oak-primary", "gateway": "gw1"]
            )
            #expect((header["records"] as? Int) == lines.count - 1)
            var ids = Set<String>()
            for line in lines.dropFirst() {
                let record = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let type = try #require(record["type"] as? String)
                #expect(type == "samples" || type == "event")
                let id =
                    type == "samples" ? record["id"] as? String : (record["event"] as? [String: Any])?["id"] as? String
                ids.insert(try #require(id))
            }
            #expect(ids.count == lines.count - 1)
        }
    }

    /// A series identity independent of label order.
    static func key(_ labels: [String: String]) -> String {
        labels.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: ",")
    }
}
