import NetwardenRemoteWrite
import NetwardenTelemetry

/// Prometheus remote write 1.0 (protobuf `WriteRequest`, snappy block compression): samples only.
///
/// A batch's samples are grouped by series, each series' samples in time order with one sample
/// per timestamp (remote write rejects anything else), series in the order they first appear,
/// plus one metadata entry (type and help) per family in the batch so engines that keep
/// metadata show the catalogue's help text.
public struct RemoteWriteOutputEncoder: OutputEncoder {
    private let compressor: any Compressor
    private let userAgent: String

    public init(compressor: any Compressor, userAgent: String) {
        self.compressor = compressor
        self.userAgent = userAgent
    }

    public func accepts(_ record: TelemetryRecord) -> Bool {
        if case .samples = record { return true }
        return false
    }

    public func request(for batch: [BatchRecord], agent: AgentIdentity) -> DeliveryRequest {
        DeliveryRequest(
            body: compressor.snappy(Self.body(for: batch)),
            headers: RemoteWriteHTTP.headers(userAgent: userAgent).filter { $0.name.lowercased() != "user-agent" }
        )
    }

    /// The uncompressed protobuf `WriteRequest`.
    public static func body(for batch: [BatchRecord]) -> [UInt8] {
        // A drained backlog is the same few hundred series over and over, so the per-sample work
        // is kept to one hash lookup on the series' own parts: the identity (the same for nearly
        // every record) is looked up once per record, and the full label list is put together
        // once per series rather than once per sample.
        var identities: [AgentIdentity: Int] = [:]
        var identityList: [AgentIdentity] = []
        var positions: [BatchSeries: Int] = [:]
        var series: [(key: BatchSeries, samples: [(value: Double, timestampMilliseconds: Int64)])] = []
        var families: [MetricFamily] = []
        var seenFamilies: Set<String> = []
        for item in batch {
            guard case .samples(let group) = item.record else { continue }
            let identity: Int
            if let known = identities[group.identity] {
                identity = known
            } else {
                identity = identityList.count
                identities[group.identity] = identity
                identityList.append(group.identity)
            }
            for observation in group.observations {
                let key = BatchSeries(identity: identity, name: observation.family.name, labels: observation.labels)
                let sample = (value: observation.value, timestampMilliseconds: group.timestampMilliseconds)
                if let position = positions[key] {
                    series[position].samples.append(sample)
                    continue
                }
                positions[key] = series.count
                series.append((key, [sample]))
                // A family's first sample is also some series' first, so checking families only
                // here keeps them in first-seen order without a lookup per sample.
                if seenFamilies.insert(observation.family.name).inserted { families.append(observation.family) }
            }
        }
        var encoder = RemoteWriteEncoder(reservingCapacity: batch.count * 256)
        for (key, samples) in series {
            var labels: [(name: String, value: String)] = [(RemoteWriteEncoder.metricNameLabel, key.name)]
            labels.reserveCapacity(1 + 3 + key.labels.count)
            for label in identityList[key.identity].labels + key.labels { labels.append((label.name, label.value)) }
            // A label set a receiver would reject (a name from a newer version that is not a
            // valid Prometheus name) is left out rather than failing the whole batch with a 400.
            try? encoder.append(labels: labels, samples: Self.ordered(samples))
        }
        for family in families where !family.help.isEmpty {
            encoder.append(
                RemoteWriteMetadata(
                    type: family.kind == .counter ? .counter : family.kind == .info ? .info : .gauge,
                    metricFamilyName: family.name,
                    help: family.help,
                    unit: family.unit
                )
            )
        }
        return encoder.finish()
    }

    /// A series within one batch: the same identity, family and labels as published. Equal
    /// exactly when the label lists the series would be sent with are equal, since identity
    /// always comes as the same three labels.
    private struct BatchSeries: Hashable {
        /// Index into the batch's identities.
        var identity: Int
        var name: String
        var labels: [Label]
    }

    /// Time order, one sample per timestamp (the last one published wins).
    static func ordered(
        _ samples: [(value: Double, timestampMilliseconds: Int64)]
    ) -> [(value: Double, timestampMilliseconds: Int64)] {
        var sorted = samples
        var isSorted = true
        for index in sorted.indices.dropFirst()
        where sorted[index].timestampMilliseconds <= sorted[index - 1].timestampMilliseconds {
            isSorted = false
            break
        }
        if isSorted { return sorted }
        sorted = samples.enumerated().sorted {
            ($0.element.timestampMilliseconds, $0.offset) < ($1.element.timestampMilliseconds, $1.offset)
        }.map(\.element)
        var unique: [(value: Double, timestampMilliseconds: Int64)] = []
        unique.reserveCapacity(sorted.count)
        for sample in sorted {
            if let last = unique.last, last.timestampMilliseconds == sample.timestampMilliseconds {
                unique[unique.count - 1] = sample
            } else {
                unique.append(sample)
            }
        }
        return unique
    }
}
