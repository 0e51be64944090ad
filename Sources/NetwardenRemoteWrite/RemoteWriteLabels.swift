/// A series' labels, checked, sorted and protobuf-encoded once, for series that are pushed again
/// and again (every probe result, every interval).
///
/// The telemetry hub keeps one of these per series and hands it to
/// `RemoteWriteEncoder.append(_:value:timestampMilliseconds:)`, which then copies the ready-made
/// label bytes instead of validating and encoding seven strings on every push: per series, the
/// checks and string encoding cost several times what the copy does (Benchmarks/remotewrite).
///
/// Two label sets are equal when they encode to the same bytes, which is when they hold the same
/// labels after empty values are dropped and the rest sorted.
public struct RemoteWriteLabels: Sendable, Hashable, CustomStringConvertible {
    /// The labels as they go on the wire: sorted by name, no empty values.
    public let labels: [(name: String, value: String)]
    /// The `TimeSeries.labels` fields, tags and lengths included, ready to copy into a series.
    let encoded: [UInt8]

    /// Checks `labels` as the encoder does (dropping empty values, sorting, rejecting what a
    /// receiver would reject) and encodes them.
    public init(_ labels: [(name: String, value: String)]) throws(RemoteWriteError) {
        let labels = try RemoteWriteEncoder.checked(labels)
        self.labels = labels
        let size = labels.reduce(0) { $0 + ProtobufWriter.lengthDelimitedSize(RemoteWriteEncoder.labelSize($1)) }
        var encoded: [UInt8] = []
        encoded.write(size: size) { writer in
            for label in labels { RemoteWriteEncoder.writeLabel(label, into: &writer) }
        }
        self.encoded = encoded
    }

    /// The `__name__` label's value.
    public var metricName: String { labels.first { $0.name == RemoteWriteEncoder.metricNameLabel }?.value ?? "" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.encoded == rhs.encoded }

    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }

    /// Prometheus' notation without a value, e.g. `up{site="north"}`.
    public var description: String { RemoteWriteSeries(labels: labels, samples: []).description }
}
