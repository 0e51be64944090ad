/// One sample of one time series, the unit everything the daemon measures is turned into.
///
/// Names follow Prometheus conventions (base units, `_total` for counters); labels always include
/// the agent identity (trust, site, gateway) so a sample is meaningful once it leaves the gateway.
public struct MetricSample: Sendable, Equatable {
    public var name: String
    /// Label pairs in a stable order (identity first); duplicates are a programming error.
    public var labels: [(String, String)]
    public var value: Double
    /// Milliseconds since the Unix epoch (wall clock: this is when it was observed, for storage).
    public var timestampMilliseconds: Int64

    public init(name: String, labels: [(String, String)], value: Double, timestampMilliseconds: Int64) {
        self.name = name
        self.labels = labels
        self.value = value
        self.timestampMilliseconds = timestampMilliseconds
    }

    public static func == (lhs: MetricSample, rhs: MetricSample) -> Bool {
        lhs.name == rhs.name && lhs.value.bitPattern == rhs.value.bitPattern
            && lhs.timestampMilliseconds == rhs.timestampMilliseconds
            && lhs.labels.elementsEqual(rhs.labels, by: { $0 == $1 })
    }

    /// One JSON object on one line: `{"ts":...,"name":"...","labels":{...},"value":...}`.
    public var jsonLine: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("ts", Int(timestampMilliseconds))
        writer.field("name", name)
        writer.key("labels")
        writer.beginObject()
        for (key, value) in labels { writer.field(key, value) }
        writer.endObject()
        writer.field("value", value)
        writer.endObject()
        return writer.output
    }
}
