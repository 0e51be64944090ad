import FoundationEssentials
import NetwardenCore
import NetwardenProtocols

/// Reads Wi-Fi health: nl80211 first, `/proc/net/wireless` when nl80211 is unavailable.
///
/// With nl80211 the snapshot has modes, SSIDs, frequencies and per-peer counters, and the
/// `/proc` figures (link quality, missed beacons) are merged in where the kernel still provides
/// them. Without it only `/proc` remains. `WifiReading` says which source was used and why the
/// better one was not, so the sampler can log the fallback once instead of failing silently.
public struct WifiReader: Sendable {
    public var procNetWireless: String
    public var receiveTimeout: Duration
    public var dumpByteLimit: Int
    /// Tests on hosts with Wi-Fi set this to exercise the fallback path.
    public var useNL80211: Bool

    public init(
        procNetWireless: String = "/proc/net/wireless",
        receiveTimeout: Duration = .seconds(2),
        dumpByteLimit: Int = 4 << 20,
        useNL80211: Bool = true
    ) {
        self.procNetWireless = procNetWireless
        self.receiveTimeout = receiveTimeout
        self.dumpByteLimit = dumpByteLimit
        self.useNL80211 = useNL80211
    }

    /// The outcome of one read.
    public struct Reading: Sendable {
        public var snapshot: WifiSnapshot
        /// Why nl80211 was not used (`.unavailable` on hosts without cfg80211), or a failure
        /// dumping one interface's stations; `nil` when everything went through nl80211.
        public var nl80211Error: GenericNetlinkError?
        /// Lines of `/proc/net/wireless` that could not be parsed.
        public var procMalformedLines: Int
    }

    public func read() -> Reading {
        let proc = readProc()
        var nl80211Error: GenericNetlinkError?
        if useNL80211 {
            do {
                return try readNL80211(proc: proc)
            } catch {
                nl80211Error = error
            }
        }
        let interfaces = (proc?.entries ?? []).map { WifiInterfaceSnapshot(name: $0.interface, wireless: $0) }
        return Reading(
            snapshot: WifiSnapshot(source: proc == nil ? .none : .procNetWireless, interfaces: interfaces),
            nl80211Error: nl80211Error,
            procMalformedLines: proc?.malformedLines ?? 0
        )
    }

    private func readNL80211(proc: ProcNetWireless.ParseResult?) throws(GenericNetlinkError) -> Reading {
        let client = try NL80211Client(receiveTimeout: receiveTimeout, dumpByteLimit: dumpByteLimit)
        var stationError: GenericNetlinkError?
        var interfaces: [WifiInterfaceSnapshot] = []
        for interface in try client.interfaces() {
            let mode = WifiInterfaceInfo.Mode(nl80211Type: interface.interfaceType)
            var stations: [WifiStationInfo] = []
            // Only station and AP interfaces have peers worth reporting; monitor interfaces have none.
            if mode == .station || mode == .accessPoint {
                do {
                    stations = try client.stations(interfaceIndex: interface.interfaceIndex).map(WifiStationInfo.init)
                } catch {
                    stationError = error  // keep the interface's info; one failed dump loses only its peers
                }
            }
            let bssid = mode == .station ? stations.first?.mac : nil
            let info = WifiInterfaceInfo(interface, bssid: bssid)
            interfaces.append(
                WifiInterfaceSnapshot(
                    name: info.name,
                    info: info,
                    stations: stations,
                    wireless: proc?.entries.first(where: { $0.interface == info.name })
                )
            )
        }
        return Reading(
            snapshot: WifiSnapshot(source: .nl80211, interfaces: interfaces),
            nl80211Error: stationError,
            procMalformedLines: proc?.malformedLines ?? 0
        )
    }

    private func readProc() -> ProcNetWireless.ParseResult? {
        // /proc files report size 0; String(contentsOfFile:) reads to EOF regardless.
        guard let text = try? String(contentsOfFile: procNetWireless, encoding: .utf8) else { return nil }
        return ProcNetWireless.parse(text)
    }
}
