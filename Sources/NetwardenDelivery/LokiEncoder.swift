import NetwardenCore
import NetwardenTelemetry

/// Loki's push API (`POST /loki/api/v1/push`, JSON, gzip): events only.
///
/// Stream labels are the identity, the kind and the severity (few values each, as Loki wants:
/// high-cardinality facts such as the subject stay in the line), and each line is the event's
/// JSON, the same object `events.jsonl` and the collector hold, so LogQL's `| json` reads every
/// field. Entries within a stream are in time order (Loki before 2.4 rejects anything else).
public struct LokiEncoder: OutputEncoder {
    private let compressor: any Compressor

    public init(compressor: any Compressor) { self.compressor = compressor }

    public func accepts(_ record: TelemetryRecord) -> Bool {
        if case .event = record { return true }
        return false
    }

    public func request(for batch: [BatchRecord], agent: AgentIdentity) -> DeliveryRequest {
        DeliveryRequest(
            body: compressor.gzip(Self.body(for: batch)),
            headers: [
                (name: "Content-Type", value: "application/json"), (name: "Content-Encoding", value: "gzip"),
            ]
        )
    }

    /// The uncompressed JSON body.
    public static func body(for batch: [BatchRecord]) -> [UInt8] {
        var streams: [[Label]: [TelemetryEvent]] = [:]
        var order: [[Label]] = []
        for item in batch {
            guard case .event(let event) = item.record else { continue }
            let labels =
                event.identity.labels + [
                    Label("source", "netwarden"), Label("kind", event.kind.rawValue),
                    Label("severity", event.severity.rawValue),
                ]
            if streams[labels] == nil { order.append(labels) }
            streams[labels, default: []].append(event)
        }
        var writer = JSONWriter()
        writer.beginObject()
        writer.key("streams")
        writer.beginArray()
        for labels in order {
            writer.beginObject()
            writer.key("stream")
            writer.beginObject()
            for label in labels where !label.value.isEmpty { writer.field(label.name, label.value) }
            writer.endObject()
            writer.key("values")
            writer.beginArray()
            let events = streams[labels]!.enumerated().sorted {
                ($0.element.timestampMilliseconds, $0.offset) < ($1.element.timestampMilliseconds, $1.offset)
            }
            for (_, event) in events {
                writer.beginArray()
                // Nanoseconds as a decimal string: Loki's wire format.
                writer.string(String(event.timestampMilliseconds) + "000000")
                writer.string(String(decoding: TelemetryJSON.eventLine(event), as: UTF8.self))
                writer.endArray()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
