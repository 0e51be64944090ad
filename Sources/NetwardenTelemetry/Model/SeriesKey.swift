/// What identifies one time series: the family name and the full label set (identity
/// included), labels sorted by name. Hashable, so sinks and engines agree on "the same series".
public struct SeriesKey: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    /// Sorted by name; names unique.
    public let labels: [Label]

    public init(name: String, labels: [Label]) {
        self.name = name
        self.labels = labels.sortedByName()
    }

    /// `name{a="1",b="2"}`, the way Prometheus prints a series.
    public var description: String {
        labels.isEmpty ? name : name + "{" + labels.map(\.description).joined(separator: ",") + "}"
    }
}
