/// What an event reports, as the `kind` field and the Loki stream label.
///
/// A string-backed value rather than a closed enum: the filter judge, the probes, link and
/// Wi-Fi samplers and (later) alert rules each add kinds without this module knowing them all.
/// The ones the daemon emits today are listed here so each is spelt once.
public struct EventKind: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    public static let probeFailed = EventKind("probe_failed")
    public static let probeRecovered = EventKind("probe_recovered")
    public static let linkDown = EventKind("link_down")
    public static let linkUp = EventKind("link_up")
    public static let defaultRouteLost = EventKind("default_route_lost")
    public static let defaultRouteRestored = EventKind("default_route_restored")
    public static let wifiSignalWeak = EventKind("wifi_signal_weak")
    public static let wifiSignalRecovered = EventKind("wifi_signal_recovered")
}
