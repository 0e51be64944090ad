/// A gateway's link, latency and Wi-Fi health as the overview shows it: the latest values (within
/// ``SiteQueries/probeFreshnessMilliseconds``) and 24-hour means from the hourly rollups.
public struct SiteHealth: Sendable, Equatable {
    /// An uplink interface's latest `netwarden_link_up{role="uplink"}`.
    public struct Uplink: Sendable, Equatable {
        public var interface: String
        public var up: Bool
    }

    /// Wi-Fi as the gateway reports it: the weakest signal of its station-mode radios (the AP
    /// it is associated with) and the clients on its access-point radios.
    public struct Wifi: Sendable, Equatable {
        public var interfaces: Int
        public var weakestSignalDBm: Double?
        public var stations: Int?

        /// Common planning figures for voice/video-grade Wi-Fi: -67 dBm or better is good,
        /// below -75 dBm lessons notice it.
        public var verdict: String {
            guard let signal = weakestSignalDBm else { return "ok" }
            if signal >= -67 { return "good" }
            if signal >= -75 { return "fair" }
            return "poor"
        }
    }

    public var uplinks: [Uplink] = []
    /// `netwarden_default_route_present`; nil when not reported recently.
    public var defaultRoutePresent: Bool?
    /// Mean over ICMP targets of each one's latest loss ratio.
    public var lossNow: Double?
    public var loss24h: Double?
    /// Mean over ICMP targets of each one's latest average round-trip time.
    public var latencyNowSeconds: Double?
    public var latency24hSeconds: Double?
    /// Probe success over 24 hours per probe kind (`dns`, `http`, ...).
    public var success24h: [String: Double] = [:]
    public var wifi: Wifi?

    public init() {}

    public var uplinksDown: Int { uplinks.count { !$0.up } }
}
