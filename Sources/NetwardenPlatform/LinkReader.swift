import FoundationEssentials
import NetwardenCore

/// Reads interface state and counters from sysfs (`/sys/class/net`) and the default route from
/// `/proc/net/route`.
///
/// sysfs rather than rtnetlink: every attribute is a small text file readable without
/// capabilities, which keeps the link sampler working under the sandboxed unit. The roots are
/// injectable so tests run against a directory tree they build.
public struct LinkReader: Sendable {
    public var sysClassNet: String
    public var procNetRoute: String

    public init(sysClassNet: String = "/sys/class/net", procNetRoute: String = "/proc/net/route") {
        self.sysClassNet = sysClassNet
        self.procNetRoute = procNetRoute
    }

    /// Interface names present now, sorted.
    public func interfaceNames() -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: sysClassNet)) ?? []).sorted()
    }

    /// A snapshot of one interface, or nil if it does not exist.
    public func snapshot(of name: String) -> LinkSnapshot? {
        // Interface names never contain "/"; refuse rather than read outside sysfs.
        guard !name.isEmpty, !name.contains("/"), name != ".", name != ".." else { return nil }
        let base = sysClassNet + "/" + name
        guard let operState = read(base + "/operstate") else { return nil }
        var counters = LinkSnapshot.Counters()
        let stats = base + "/statistics/"
        counters.rxBytes = readUInt(stats + "rx_bytes") ?? 0
        counters.txBytes = readUInt(stats + "tx_bytes") ?? 0
        counters.rxPackets = readUInt(stats + "rx_packets") ?? 0
        counters.txPackets = readUInt(stats + "tx_packets") ?? 0
        counters.rxErrors = readUInt(stats + "rx_errors") ?? 0
        counters.txErrors = readUInt(stats + "tx_errors") ?? 0
        counters.rxDropped = readUInt(stats + "rx_dropped") ?? 0
        counters.txDropped = readUInt(stats + "tx_dropped") ?? 0
        // speed reads as -1 (or fails with EINVAL) when unknown or down.
        let speed = read(base + "/speed").flatMap { Int($0) }.flatMap { $0 > 0 ? $0 : nil }
        let duplex = read(base + "/duplex").flatMap { $0 == "unknown" ? nil : $0 }
        return LinkSnapshot(
            name: name,
            operState: operState,
            carrier: read(base + "/carrier").map { $0 == "1" },
            speedMbps: speed,
            duplex: duplex,
            mtu: read(base + "/mtu").flatMap { Int($0) },
            carrierChanges: readUInt(base + "/carrier_changes"),
            isWireless: FileManager.default.fileExists(atPath: base + "/wireless")
                || FileManager.default.fileExists(atPath: base + "/phy80211"),
            counters: counters
        )
    }

    /// Default routes, lowest metric first; empty if there is none or the table is unreadable.
    public func defaultRoutes() -> [DefaultRoute] {
        guard let text = try? String(contentsOfFile: procNetRoute, encoding: .utf8) else { return [] }
        return DefaultRoute.parseProcNetRoute(text)
    }

    private func read(_ path: String) -> String? {
        // sysfs attributes are tiny; a read error (EINVAL for carrier on a down link) means "unknown".
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8)
        else { return nil }
        return String(text.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }

    private func readUInt(_ path: String) -> UInt64? {
        read(path).flatMap { UInt64($0) }
    }
}
