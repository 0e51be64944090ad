/// What a metric family is: its type, help text and unit, sent alongside the series so a
/// receiver (Prometheus, Mimir, VictoriaMetrics) can show them. Remote write 1.0 carries it per
/// family, not per series.
public struct RemoteWriteMetadata: Sendable, Hashable {
    /// `prometheus.MetricMetadata.MetricType`, with the proto's own numbers.
    public enum MetricType: Int32, Sendable, Hashable, CaseIterable {
        case unknown = 0
        case counter = 1
        case gauge = 2
        case histogram = 3
        case gaugeHistogram = 4
        case summary = 5
        /// Prometheus' text exposition has no info type and scrapes report info metrics as
        /// gauges; receivers that ignore this value do the same.
        case info = 6
        case stateSet = 7
    }

    public var type: MetricType
    /// The family name without suffixes a type adds (`_bucket`, `_count`): for a counter, the
    /// name ending in `_total` as netwarden exposes it.
    public var metricFamilyName: String
    public var help: String
    /// Base unit, e.g. `seconds` or `bytes`; empty when the metric has none.
    public var unit: String

    public init(type: MetricType, metricFamilyName: String, help: String, unit: String = "") {
        self.type = type
        self.metricFamilyName = metricFamilyName
        self.help = help
        self.unit = unit
    }
}
