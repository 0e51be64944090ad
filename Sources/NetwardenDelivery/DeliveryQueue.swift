/// A spooled record as the uploader sees it.
public struct QueuedRecord: Sendable, Equatable {
    /// Position in the spool; strictly increasing.
    public var sequence: UInt64
    /// Stable across restarts and resends: what receivers de-duplicate by.
    public var id: String
    public var timestampMilliseconds: Int64
    /// A `TelemetryRecordCodec` encoding.
    public var payload: [UInt8]

    public init(sequence: UInt64, id: String, timestampMilliseconds: Int64, payload: [UInt8]) {
        self.sequence = sequence
        self.id = id
        self.timestampMilliseconds = timestampMilliseconds
        self.payload = payload
    }
}

/// What an uploader needs from the spool: read after a position, acknowledge durably, and
/// say how much is waiting. The disk spool implements it; tests use an in-memory queue.
public protocol DeliveryQueue: Sendable {
    /// Records after `sequence` (from the oldest when nil), in order.
    func read(consumer: String, after sequence: UInt64?, maxRecords: Int, maxBytes: Int) -> [QueuedRecord]
    /// Durably records that `consumer` has delivered everything up to `sequence`.
    func acknowledge(consumer: String, through sequence: UInt64)
    func acknowledgedSequence(consumer: String) -> UInt64?
    /// Records not yet acknowledged by `consumer`, and the time of the oldest.
    func backlog(consumer: String) -> (records: Int, oldestMilliseconds: Int64?)
}
