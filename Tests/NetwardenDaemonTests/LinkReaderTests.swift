import Foundation
import NetwardenCore
import NetwardenPlatform
import NetwardenTelemetry
import Testing

@Suite struct LinkReaderTests {
    /// Builds a sysfs-shaped tree: one wired uplink that is up, one wireless LAN that is down.
    static func makeTree() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("nw-sysfs-\(UUID().uuidString)").path
        func write(_ path: String, _ value: String) throws {
            let full = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (full as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try (value + "\n").write(toFile: full, atomically: true, encoding: .utf8)
        }
        try write("eth0/operstate", "up")
        try write("eth0/carrier", "1")
        try write("eth0/speed", "1000")
        try write("eth0/duplex", "full")
        try write("eth0/mtu", "1500")
        try write("eth0/carrier_changes", "3")
        try write("eth0/statistics/rx_bytes", "123456789")
        try write("eth0/statistics/tx_bytes", "987654")
        try write("eth0/statistics/rx_packets", "1000")
        try write("eth0/statistics/tx_packets", "900")
        try write("eth0/statistics/rx_errors", "1")
        try write("eth0/statistics/tx_errors", "2")
        try write("eth0/statistics/rx_dropped", "3")
        try write("eth0/statistics/tx_dropped", "4")
        try write("wlan0/operstate", "down")
        try write("wlan0/speed", "-1")
        try write("wlan0/duplex", "unknown")
        try FileManager.default.createDirectory(atPath: root + "/wlan0/wireless", withIntermediateDirectories: true)
        try write(
            "route",
            "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\neth0\t00000000\t0100A8C0\t0003\t0\t0\t0\t00000000\n"
        )
        return root
    }

    @Test func readsStateAndCountersAndLeavesUnknownsNil() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reader = LinkReader(sysClassNet: root, procNetRoute: root + "/route")
        let eth0 = try #require(reader.snapshot(of: "eth0"))
        #expect(eth0.isUp && eth0.carrier == true && eth0.speedMbps == 1000 && eth0.duplex == "full")
        #expect(eth0.counters.rxBytes == 123_456_789 && eth0.counters.txDropped == 4)
        #expect(eth0.carrierChanges == 3 && !eth0.isWireless)
        let wlan0 = try #require(reader.snapshot(of: "wlan0"))
        #expect(!wlan0.isUp && wlan0.speedMbps == nil && wlan0.duplex == nil && wlan0.carrier == nil)
        #expect(wlan0.isWireless)
        #expect(reader.snapshot(of: "nope0") == nil)
        #expect(reader.snapshot(of: "../etc") == nil)
        #expect(reader.defaultRoutes() == [DefaultRoute(interface: "eth0", gateway: "192.168.0.1", metric: 0)])
    }

    @Test func snapshotsBecomeNodeExporterStyleMetrics() throws {
        let root = try Self.makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let snapshot = try #require(LinkReader(sysClassNet: root).snapshot(of: "eth0"))
        let samples = SampleGroup(
            timestampMilliseconds: 5,
            identity: AgentIdentity(trust: "t", site: "s", gateway: "g"),
            observations: LinkObservations.observations(for: snapshot, role: "uplink")
        ).samples
        let byName = Dictionary(samples.map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
        #expect(byName["netwarden_link_up"] == 1)
        #expect(byName["netwarden_link_speed_bytes"] == 125_000_000)
        #expect(byName["netwarden_link_receive_bytes_total"] == 123_456_789)
        #expect(byName["netwarden_link_transmit_drop_total"] == 4)
        #expect(samples.allSatisfy { $0.labels.map(\.name) == ["trust", "site", "gateway", "interface", "role"] })
    }

    @Test func realSysfsHasLoopback() {
        // The machine's own sysfs: loopback always exists and has counters.
        let lo = LinkReader().snapshot(of: "lo")
        #expect(lo != nil)
    }
}
