import Foundation
import Logging
import NetwardenCompliance
import NetwardenCore
import NetwardenDaemon
import NetwardenFiltering
import NetwardenTelemetry
import NetwardenTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// The filter-test service over a scripted network: it publishes per-check status gauges, reports
/// an event on each change of state and a `filter_compliance` event per check, and appends each
/// check to the hash-chained compliance log, whose verifier catches an edited record.
@Suite(.timeLimit(.minutes(1)))
struct FilterTestServiceTests {
    /// The canary `gambling-1` is NXDOMAIN (blocked) until `leak` is set; `gov` is a must-allow
    /// site the filter blocks (over-blocking).
    final class Network: FilterTestTransport, @unchecked Sendable {
        let leak = Mutex(false)

        func resolve(_ name: String, ipv6: Bool, from vantage: FilterTestsSection.Vantage) -> DNSLookup {
            switch name {
            case "control.test": DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.1"])
            case "casino.test" where leak.withLock({ $0 }): DNSLookup(rcode: "NOERROR", addresses: ["192.0.2.1"])
            default: DNSLookup(rcode: "NXDOMAIN")
            }
        }

        func connect(address: String, port: Int, from vantage: FilterTestsSection.Vantage) -> ConnectOutcome {
            .connected
        }

        func fetch(_ url: CanaryURL, address: String, from vantage: FilterTestsSection.Vantage) -> FetchOutcome {
            FetchOutcome(status: 200, body: "casino page", tlsTrust: .publicCA, tlsIssuer: "CN=Public")
        }

        func probeBypass(_ target: FilterTestsSection.Bypass, from vantage: FilterTestsSection.Vantage) -> BypassOutcome
        {
            .blocked("timeout")
        }
    }

    static func settings(stateDirectory: String, interval: Duration = .seconds(3600)) -> RuntimeSettings {
        var settings = RuntimeSettings(
            identity: AgentIdentity(trust: "oak", site: "north", gateway: "gw1"),
            uplinks: ["eth0"],
            uplinksAreAutomatic: false,
            lan: ["lan0"],
            stateDirectory: stateDirectory,
            logLevel: .info,
            statusInterval: .seconds(30),
            linkEnabled: false,
            linkInterval: .seconds(10),
            source: "n.toml"
        )
        settings.filterTests = FilterTestsSection(
            enabled: true,
            interval: interval,
            resolver: "192.0.2.53",
            controlURLs: ["https://control.test/"],
            catalogues: [],
            blockPages: [],
            canaries: [
                .init(name: "gambling-1", category: "gambling", url: "https://casino.test/", expect: .blocked),
                .init(name: "gov", category: "education", url: "https://gov.test/", expect: .allowed),
            ],
            safeSearch: [],
            bypass: [],
            interceptionURLs: ["https://control.test/"]
        )
        return settings
    }

    /// Waits (polling the sink) until `count` compliance events have arrived.
    static func complianceEvents(_ sink: RecordingSink, atLeast count: Int) async throws -> [TelemetryEvent] {
        for _ in 0..<500 {
            let events = sink.events.filter { $0.kind.rawValue == "filter_compliance" }
            if events.count >= count { return events }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("only \(sink.events.filter { $0.kind.rawValue == "filter_compliance" }.count) compliance events")
        return []
    }

    @Test func aRunReportsMetricsEventsAndAChainedComplianceLog() async throws {
        let directory = try TemporaryDirectory()
        let store = SettingsStore(Self.settings(stateDirectory: directory.path))
        let hub = TelemetryHub(
            identity: AgentIdentity(trust: "oak", site: "north", gateway: "gw1"),
            clock: ManualWallClock()
        )
        let sink = RecordingSink()
        hub.add(sink: sink)
        let network = Network()
        let service = FilterTestService(
            store: store,
            hub: hub,
            logger: Logger(label: "test"),
            transport: network,
            spread: { _, _ in .zero }
        )
        let task = Task { try await service.run() }
        defer { task.cancel() }

        let first = try await Self.complianceEvents(sink, atLeast: 3)
        #expect(Set(first.map { $0[attribute: "check"] ?? "" }) == ["gambling-1", "gov", "control.test"])
        let kinds = sink.events.map(\.kind.rawValue)
        #expect(kinds.contains("over_blocking"))
        #expect(!kinds.contains("filter_test_failed"))

        func status(_ check: String, _ status: String) -> Double? {
            hub.latest().first {
                $0.name == "netwarden_filter_test_status" && $0.labels.contains(Label("check", check))
                    && $0.labels.contains(Label("status", status))
            }?.value
        }
        // Published after the run's last check: wait for it.
        for _ in 0..<500 where status("gambling-1", "pass") == nil { try await Task.sleep(for: .milliseconds(20)) }
        #expect(status("gambling-1", "pass") == 1)
        #expect(status("gambling-1", "fail") == 0)
        #expect(status("gov", "fail") == 1)

        // The filter starts leaking; a reload that changes the tests starts a new run at once.
        network.leak.withLock { $0 = true }
        store.replace(with: Self.settings(stateDirectory: directory.path, interval: .seconds(3601)))
        _ = try await Self.complianceEvents(sink, atLeast: 6)
        let failed = sink.events.filter { $0.kind.rawValue == "filter_test_failed" }
        #expect(failed.count == 1 && failed.first?[attribute: "check"] == "gambling-1")
        // Over-blocking did not change, so it is not reported again.
        #expect(sink.events.filter { $0.kind.rawValue == "over_blocking" }.count == 1)
        task.cancel()
        _ = try? await task.value

        let path = ComplianceLog.path(stateDirectory: directory.path)
        let data = try #require(FileManager.default.contents(atPath: path))
        let text = String(decoding: data, as: UTF8.self)
        var lines = text.split(separator: "\n").map(String.init)
        #expect(lines.count >= 6)
        #expect(lines.allSatisfy { $0.contains("\"site\":\"north\"") && $0.contains("\"method\":") })
        #expect((try? ComplianceLog.verify(path: path).get()) != nil)

        // Each compliance event carries its record whole (every sealed field, prev and hash), so
        // the collector rebuilds exactly the line the local log holds and can verify the chain.
        let events = sink.events.filter { $0.kind.rawValue == "filter_compliance" }
        #expect(events.count == lines.count)
        for event in events {
            let fields = ComplianceChain.fieldNames.map { ($0, event[attribute: $0] ?? "<missing>") }
            let sealed = ComplianceChain.seal(fields, previous: event[attribute: "prev"] ?? "")
            #expect(sealed.hash == event[attribute: "hash"])
            #expect(lines.contains(sealed.line))
        }

        // Someone turns a failure into a pass after the fact: the chain shows where.
        let index = try #require(lines.firstIndex { $0.contains("\"status\":\"fail\"") })
        lines[index] = lines[index].replacingOccurrences(of: "\"status\":\"fail\"", with: "\"status\":\"pass\"")
        try (lines.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        guard case .failure(let broken) = ComplianceLog.verify(path: path) else {
            Issue.record("an edited record verified")
            return
        }
        #expect(broken.line == index + 1)
    }
}
