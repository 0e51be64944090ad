/// One metric family, declared once: its name, kind, help text and unit.
///
/// Producers refer to families by these values (`MetricFamily.probeSuccess`), never by a string
/// literal, so a name is spelt in exactly one place and every encoder (/metrics, remote write
/// metadata, the collector) finds its help and type. The catalogue is `MetricFamily.all`.
public struct MetricFamily: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    public let kind: MetricKind
    public let help: String
    /// The base unit the name ends in (`seconds`, `bytes`, `ratio`, ...), empty if none.
    public let unit: String

    public init(_ name: String, _ kind: MetricKind, unit: String = "", help: String) {
        self.name = name
        self.kind = kind
        self.help = help
        self.unit = unit
    }

    public var description: String { name }

    // Identity is the name: two declarations of one name would be a catalogue bug, which
    // `MetricCatalogTests` rules out.
    public static func == (lhs: MetricFamily, rhs: MetricFamily) -> Bool { lhs.name == rhs.name }
    public func hash(into hasher: inout Hasher) { hasher.combine(name) }
}
