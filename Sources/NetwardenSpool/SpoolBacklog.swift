/// How far one consumer is behind: the numbers behind its `netwarden_output_*` self-metrics.
public struct SpoolBacklog: Sendable, Equatable {
    /// The consumer's durable acknowledged sequence (0 when it has acknowledged nothing).
    public var acknowledgedSequence: UInt64
    /// Records after the acknowledged sequence still in the spool.
    public var records: Int
    /// Their bytes on disk, record headers included.
    public var bytes: Int64
    /// Timestamp of the oldest of them, for `netwarden_output_oldest_unsent_age_seconds`
    /// (nil when there is no backlog).
    public var oldestTimestampMilliseconds: Int64?
    /// Records this consumer never acknowledged that caps dropped since the spool opened; the
    /// consumer just moves on past them.
    public var droppedUnacknowledged: Int

    public init(
        acknowledgedSequence: UInt64 = 0,
        records: Int = 0,
        bytes: Int64 = 0,
        oldestTimestampMilliseconds: Int64? = nil,
        droppedUnacknowledged: Int = 0
    ) {
        self.acknowledgedSequence = acknowledgedSequence
        self.records = records
        self.bytes = bytes
        self.oldestTimestampMilliseconds = oldestTimestampMilliseconds
        self.droppedUnacknowledged = droppedUnacknowledged
    }
}
