import NetwardenCore
import NetwardenInspection

/// Totals since start, exported as Prometheus counters. They count every occurrence, including
/// the ones debouncing kept out of the event stream.
public struct FilterCounters: Sendable, Equatable {
    /// Leaks by category and method.
    public internal(set) var leaks: [String: [LeakMethod: Int]] = [:]
    public internal(set) var blocked: [String: Int] = [:]
    public internal(set) var bypasses: [FilterEventKind: Int] = [:]
    public internal(set) var names: [NameProtocol: Int] = [:]
    /// Names seen in each category, whatever its policy.
    public internal(set) var categoryNames: [String: Int] = [:]

    public init() {}

    /// The counters as samples, identity labels first, series in a stable order (sorted label
    /// values) so exports diff cleanly.
    public func metricSamples(identity: [(String, String)], timestampMilliseconds: Int64) -> [MetricSample] {
        var samples: [MetricSample] = []
        func add(_ name: String, _ labels: [(String, String)], _ value: Int) {
            samples.append(
                MetricSample(
                    name: name,
                    labels: identity + labels,
                    value: Double(value),
                    timestampMilliseconds: timestampMilliseconds
                )
            )
        }
        for category in leaks.keys.sorted() {
            for method in LeakMethod.allCases {
                if let count = leaks[category]?[method] {
                    add("netwarden_filter_leaks_total", [("category", category), ("method", method.rawValue)], count)
                }
            }
        }
        for category in blocked.keys.sorted() {
            add("netwarden_filter_blocked_total", [("category", category)], blocked[category]!)
        }
        for kind in FilterEventKind.allCases where kind.isBypass {
            if let count = bypasses[kind] { add("netwarden_bypass_total", [("kind", kind.rawValue)], count) }
        }
        for proto in [NameProtocol.dns, .tls, .quic, .http] {
            if let count = names[proto] { add("netwarden_names_total", [("proto", proto.rawValue)], count) }
        }
        for category in categoryNames.keys.sorted() {
            add("netwarden_category_names_total", [("category", category)], categoryNames[category]!)
        }
        return samples
    }
}
