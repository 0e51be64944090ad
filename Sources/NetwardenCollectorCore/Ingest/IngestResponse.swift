import NetwardenCore

/// What the server answers an ingest request: the status, a JSON body, and `Retry-After`.
public struct IngestResponse: Sendable, Equatable {
    public var status: Int
    /// One line a person can read; for 2xx a summary, otherwise what was wrong.
    public var message: String
    public var retryAfterSeconds: Int?
    public var accepted: Int
    public var duplicates: Int
    public var ignored: Int

    public init(
        status: Int,
        message: String,
        retryAfterSeconds: Int? = nil,
        accepted: Int = 0,
        duplicates: Int = 0,
        ignored: Int = 0
    ) {
        self.status = status
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
        self.accepted = accepted
        self.duplicates = duplicates
        self.ignored = ignored
    }

    /// The JSON body: `{"status":..., "message":..., "accepted":..., ...}`.
    public var jsonBody: String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("status", status)
        writer.field("message", message)
        writer.field("accepted", accepted)
        writer.field("duplicates", duplicates)
        writer.field("ignored", ignored)
        writer.endObject()
        return writer.output
    }
}
