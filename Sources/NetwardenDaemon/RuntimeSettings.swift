import NetwardenCore
import NetwardenTelemetry

/// The configuration as the running daemon uses it: the file's values with every "auto" and
/// every empty default resolved against this machine (hostname, default-route interface).
///
/// Services read this, never the raw file model, so resolution happens once per load/reload and
/// a service cannot disagree with another about what "auto" meant.
public struct RuntimeSettings: Sendable, Equatable {
    /// Trust, site and gateway: the telemetry model's identity, resolved once per load.
    public typealias Identity = AgentIdentity

    public var identity: Identity
    /// Uplink interfaces after resolving "auto" (may be empty if the machine has no default route).
    public var uplinks: [String]
    /// Whether `uplinks` came from "auto" (re-resolved on every sample, so a failover is followed).
    public var uplinksAreAutomatic: Bool
    public var lan: [String]
    public var stateDirectory: String
    public var logLevel: LogSeverity
    public var statusInterval: Duration
    public var linkEnabled: Bool
    public var linkInterval: Duration
    /// Active probes, resolved from the config's probe sections.
    public var probes: [ProbeSpec] = []
    /// Passive capture and how its findings are judged.
    public var capture = CaptureSection.defaults
    public var filter = FilterSection.defaults
    /// Active filter testing (canaries, safe search, bypass, interception).
    public var filterTests = FilterTestsSection.defaults
    /// Where /metrics listens; empty when it is off.
    public var metricsListen = MetricsSection.defaults.listen
    public var spool = SpoolSection.defaults
    /// Delivery destinations; empty means nothing leaves the gateway.
    public var outputs: [OutputSettings] = []
    public var alerts = AlertsSection.defaults
    /// The Unix socket `netwarden status` reads; empty when it is off.
    public var statusSocket = DaemonSection.defaults.statusSocket
    /// Where the settings came from, for logs and STATUS (a path, or "embedded default").
    public var source: String

    public init(
        identity: Identity,
        uplinks: [String],
        uplinksAreAutomatic: Bool,
        lan: [String],
        stateDirectory: String,
        logLevel: LogSeverity,
        statusInterval: Duration,
        linkEnabled: Bool,
        linkInterval: Duration,
        source: String
    ) {
        self.identity = identity
        self.uplinks = uplinks
        self.uplinksAreAutomatic = uplinksAreAutomatic
        self.lan = lan
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
        self.statusInterval = statusInterval
        self.linkEnabled = linkEnabled
        self.linkInterval = linkInterval
        self.source = source
    }

    /// Interfaces the link sampler watches: uplinks and LAN, in that order, without repeats.
    public var watchedInterfaces: [String] {
        var seen = Set<String>()
        return (uplinks + lan).filter { seen.insert($0).inserted }
    }
}
