/// One time series for a remote write request: its labels (the metric name as `__name__` among
/// them) and its samples, oldest first.
///
/// Labels are tuples so call sites stay literal (`[("__name__", "up"), ("site", "north")]`).
/// The encoder drops empty-valued labels (Prometheus treats an empty value as an absent label),
/// sorts by name when the caller has not, and rejects what a receiver would reject.
public struct RemoteWriteSeries: Sendable, Equatable, CustomStringConvertible {
    public var labels: [(name: String, value: String)]
    public var samples: [(value: Double, timestampMilliseconds: Int64)]

    public init(
        labels: [(name: String, value: String)],
        samples: [(value: Double, timestampMilliseconds: Int64)]
    ) {
        self.labels = labels
        self.samples = samples
    }

    /// The `__name__` label's value, or "" when there is none.
    public var metricName: String {
        labels.first { $0.name == RemoteWriteEncoder.metricNameLabel }?.value ?? ""
    }

    /// Equal labels in the same order and samples with the same timestamps and the same value
    /// bits, so NaN (the stale marker included) compares equal to itself.
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.labels.elementsEqual(rhs.labels) { $0.name == $1.name && $0.value == $1.value }
            && lhs.samples.elementsEqual(rhs.samples) {
                $0.value.bitPattern == $1.value.bitPattern && $0.timestampMilliseconds == $1.timestampMilliseconds
            }
    }

    /// Prometheus' notation, e.g. `up{site="north"} 1 @1700000000000`, one sample per line.
    public var description: String {
        let name = metricName
        let others = labels.filter { $0.name != RemoteWriteEncoder.metricNameLabel }
            .map { "\($0.name)=\"\($0.value)\"" }.joined(separator: ",")
        let head = others.isEmpty ? name : "\(name){\(others)}"
        if samples.isEmpty { return head }
        return samples.map { "\(head) \($0.value) @\($0.timestampMilliseconds)" }.joined(separator: "\n")
    }
}
