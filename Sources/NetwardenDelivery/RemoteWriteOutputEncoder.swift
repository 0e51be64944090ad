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
        var order: [[Label]] = []
        var series: [[Label]: [(value: Double, timestampMilliseconds: Int64)]] = [:]
        var families: [MetricFamily] = []
        var seenFamilies: Set<String> = []
        for item in batch {
            guard case .samples(let group) = item.record else { continue }
            let identity = group.identity.labels
            for observation in group.observations {
                let labels =
                    [Label(RemoteWriteEncoder.metricNameLabel, observation.family.name)] + identity
                    + observation.labels
                if series[labels] == nil {
                    order.append(labels)
                    series[labels] = []
                }
                series[labels]!.append((observation.value, group.timestampMilliseconds))
                if seenFamilies.insert(observation.family.name).inserted { families.append(observation.family) }
            }
        }
        var encoder = RemoteWriteEncoder(reservingCapacity: batch.count * 256)
        for labels in order {
            let samples = Self.ordered(series[labels]!)
            // A label set a receiver would reject (a name from a newer version that is not a
            // valid Prometheus name) is left out rather than failing the whole batch with a 400.
            try? encoder.append(labels: labels.map { (name: $0.name, value: $0.value) }, samples: samples)
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
