/// How a metric family's values behave, which decides how engines may aggregate them.
///
/// `info` is a gauge fixed at 1 whose labels carry strings (OpenMetrics' info type); the
/// Prometheus text format 0.0.4 and remote write 1.0 have no info type, so encoders write it as
/// a gauge and its name ends in `_info` by convention.
public enum MetricKind: String, Sendable, Hashable, CaseIterable {
    case counter
    case gauge
    case info

    /// The `# TYPE` word in the Prometheus text format 0.0.4.
    public var exposition: String {
        switch self {
        case .counter: "counter"
        case .gauge, .info: "gauge"
        }
    }
}
