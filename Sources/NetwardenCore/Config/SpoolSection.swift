/// `[spool]`: the on-disk queue between what the daemon measures and its outputs.
///
/// The defaults hold a week-long outage of a typical school: about 40 probes and interfaces
/// publishing some 25 series each every 30 s is ~35 samples/s, which spools at roughly
/// 60 B/sample as ~2 MiB/hour, ~400 MiB over 8 days. 1 GiB leaves room for busier sites and for
/// capture events; 8 days covers a half-term week plus the weekends either side.
public struct SpoolSection: ConfigSection {
    public static let name = "spool"

    /// Records older than this are dropped (counted) even if an output never took them.
    public var maxAge: Duration
    /// The spool never grows beyond this; the oldest records go first (counted).
    public var maxBytes: Int
    /// How often appended records are fsynced: a power cut loses at most this much.
    public var fsyncInterval: Duration

    public init(
        maxAge: Duration = .seconds(8 * 86_400),
        maxBytes: Int = 1 << 30,
        fsyncInterval: Duration = .seconds(1)
    ) {
        self.maxAge = maxAge
        self.maxBytes = maxBytes
        self.fsyncInterval = fsyncInterval
    }

    public static let defaults = SpoolSection()

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        let defaultHours = Double(defaults.maxAge.components.seconds) / 3600
        maxAge = .seconds(reader.double("max_age_hours", range: 1...8_760, default: defaultHours) * 3600)
        maxBytes = reader.int("max_mib", range: 16...1_048_576, default: defaults.maxBytes >> 20) << 20
        fsyncInterval = reader.seconds("fsync_interval_seconds", range: 0.05...60, default: defaults.fsyncInterval)
    }
}
