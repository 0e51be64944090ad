/// `[link]`: the link-counter sampler (bytes, packets, errors, carrier per interface), which
/// writes to the local spool.
public struct LinkSection: ConfigSection {
    public static let name = "link"

    public var enabled: Bool
    /// Time between samples.
    public var interval: Duration

    public init(enabled: Bool = true, interval: Duration = .seconds(15)) {
        self.enabled = enabled
        self.interval = interval
    }

    public static let defaults = LinkSection()

    public init(from reader: ConfigTableReader) {
        enabled = reader.bool("enabled", default: Self.defaults.enabled)
        interval = reader.seconds("interval_seconds", range: 1...3600, default: Self.defaults.interval)
    }
}
