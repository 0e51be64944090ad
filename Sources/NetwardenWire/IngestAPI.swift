/// The constants of the collector ingest API (docs/ingest-api.md), in one place for both ends:
/// the daemon's `CollectorEncoder` writes them and the collector checks them.
public enum IngestAPI {
    /// The request path, appended to the output's `url`.
    public static let path = "/api/v1/ingest"
    /// The one body type: newline-delimited JSON.
    public static let contentType = "application/x-ndjson"
    /// The document version the header line carries.
    public static let version = 1
    /// `type` of the first line.
    public static let batchType = "batch"
    /// `type` of a line holding one group of samples.
    public static let samplesType = "samples"
    /// `type` of a line holding one event.
    public static let eventType = "event"
}
