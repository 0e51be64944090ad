import NetwardenCore

/// JSON forms of samples and events, shared by the local JSON-lines files and the collector's
/// NDJSON batches so a technician reading `events.jsonl` sees exactly what central IT stores.
///
/// Timestamps are integer milliseconds since the epoch (`ts`) everywhere; non-finite values are
/// `null` (JSON has no NaN).
public enum TelemetryJSON {
    /// `{"ts":...,"name":"...","labels":{...},"value":...}`
    public static func sampleLine(_ sample: Sample) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("ts", Int(sample.timestampMilliseconds))
        writer.field("name", sample.name)
        writer.key("labels")
        writer.beginObject()
        for label in sample.labels { writer.field(label.name, label.value) }
        writer.endObject()
        writer.field("value", sample.value)
        writer.endObject()
        return writer.bytes
    }

    /// `{"ts":...,"id":"...","trust":"...","site":"...","gateway":"...","kind":"...",
    /// "severity":"...","subject":"...","evidence":"...","attributes":{...}}`
    public static func eventLine(_ event: TelemetryEvent) -> [UInt8] {
        var writer = JSONWriter()
        writeEvent(event, into: &writer)
        return writer.bytes
    }

    public static func writeEvent(_ event: TelemetryEvent, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("ts", Int(event.timestampMilliseconds))
        writer.field("id", event.id)
        writer.field("trust", event.identity.trust)
        writer.field("site", event.identity.site)
        writer.field("gateway", event.identity.gateway)
        writer.field("kind", event.kind.rawValue)
        writer.field("severity", event.severity.rawValue)
        writer.field("subject", event.subject)
        writer.field("evidence", event.evidence)
        writer.key("attributes")
        writer.beginObject()
        for attribute in event.attributes { writer.field(attribute.name, attribute.value) }
        writer.endObject()
        writer.endObject()
    }
}
