/// One reading of every wireless interface, and which kernel interface it came from.
///
/// nl80211 gives mode, SSID, frequency and per-peer counters; `/proc/net/wireless` (the old
/// wireless-extensions view) only quality, level and discard counters. Recording the source lets
/// logs and dashboards explain why some series are missing on a given gateway.
public struct WifiSnapshot: Sendable, Equatable {
    /// Where the data came from. Raw values are suitable for a `source` label or log field.
    public enum Source: String, Sendable {
        case nl80211
        case procNetWireless = "proc_net_wireless"
        /// Neither was available: the host has no wireless support or no wireless interfaces.
        case none
    }

    public var source: Source
    public var interfaces: [WifiInterfaceSnapshot]

    public init(source: Source, interfaces: [WifiInterfaceSnapshot]) {
        self.source = source
        self.interfaces = interfaces
    }
}

/// One interface within a `WifiSnapshot`.
public struct WifiInterfaceSnapshot: Sendable, Equatable {
    public var name: String
    /// From nl80211; `nil` when only `/proc/net/wireless` was available.
    public var info: WifiInterfaceInfo?
    /// The associated AP (station mode) or the associated clients (AP mode).
    public var stations: [WifiStationInfo]
    /// From `/proc/net/wireless`, when read.
    public var wireless: ProcNetWirelessEntry?

    public init(
        name: String,
        info: WifiInterfaceInfo? = nil,
        stations: [WifiStationInfo] = [],
        wireless: ProcNetWirelessEntry? = nil
    ) {
        self.name = name
        self.info = info
        self.stations = stations
        self.wireless = wireless
    }

    /// In station mode, the entry for the AP we are associated with: the one whose MAC is the
    /// BSSID, else the only/first entry (a station has one peer unless it is mid-roam).
    public var uplink: WifiStationInfo? {
        guard info?.mode == .station else { return nil }
        if let bssid = info?.bssid, let match = stations.first(where: { $0.mac == bssid }) { return match }
        return stations.first
    }
}
