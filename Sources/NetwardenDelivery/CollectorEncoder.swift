import NetwardenCore
import NetwardenTelemetry
import NetwardenWire

/// The netwarden collector's ingest API (`POST /api/v1/ingest`, gzip NDJSON): samples and
/// events, one spool record per line after a header line. docs/ingest-api.md is the contract.
public struct CollectorEncoder: OutputEncoder {
    public static let contentType = IngestAPI.contentType
    private let compressor: any Compressor

    public init(compressor: any Compressor) { self.compressor = compressor }

    public func accepts(_ record: TelemetryRecord) -> Bool { true }

    public func request(for batch: [BatchRecord], agent: AgentIdentity) -> DeliveryRequest {
        DeliveryRequest(
            body: compressor.gzip(Self.body(for: batch, agent: agent)),
            headers: [(name: "Content-Type", value: Self.contentType), (name: "Content-Encoding", value: "gzip")]
        )
    }

    /// The uncompressed NDJSON body: a header line, then one line per record.
    public static func body(for batch: [BatchRecord], agent: AgentIdentity) -> [UInt8] {
        var out: [UInt8] = []
        var header = JSONWriter()
        header.beginObject()
        header.field("type", IngestAPI.batchType)
        header.field("version", IngestAPI.version)
        header.key("agent")
        writeIdentity(agent, into: &header)
        // The last record's spool sequence: increases with every new batch and is the same when
        // a batch is resent, so the collector can tell a resend from a gap.
        header.field("batch", Int(batch.last?.queued.sequence ?? 0))
        header.field("records", batch.count)
        header.endObject()
        out += header.bytes
        out.append(0x0A)
        for item in batch {
            var line = JSONWriter()
            line.beginObject()
            switch item.record {
            case .samples(let group):
                line.field("type", IngestAPI.samplesType)
                line.field("id", item.queued.id)
                line.field("ts", Int(group.timestampMilliseconds))
                line.key("identity")
                writeIdentity(group.identity, into: &line)
                line.key("samples")
                line.beginArray()
                for observation in group.observations {
                    line.beginObject()
                    line.field("name", observation.family.name)
                    line.key("labels")
                    line.beginObject()
                    for label in observation.labels { line.field(label.name, label.value) }
                    line.endObject()
                    line.field("value", observation.value)
                    line.endObject()
                }
                line.endArray()
            case .event(let event):
                line.field("type", IngestAPI.eventType)
                line.key("event")
                TelemetryJSON.writeEvent(event, into: &line)
            }
            line.endObject()
            out += line.bytes
            out.append(0x0A)
        }
        return out
    }

    private static func writeIdentity(_ identity: AgentIdentity, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("trust", identity.trust)
        writer.field("site", identity.site)
        writer.field("gateway", identity.gateway)
        writer.endObject()
    }
}
