/// Spool totals for self-metrics (`netwarden_spool_bytes`, `netwarden_spool_records`,
/// `netwarden_spool_dropped_records_total{reason}`) and `netwarden status`. Counters count since
/// the spool was opened.
public struct SpoolStatistics: Sendable, Equatable {
    /// Bytes in all segment files.
    public var bytes: Int64 = 0
    /// Valid records in all segments.
    public var records: Int = 0
    public var segments: Int = 0
    /// The effective byte cap (the configured one, limited by the file system's size).
    public var maxBytes: Int64 = 0
    /// Records appended since open.
    public var appendedRecords: UInt64 = 0
    /// Records lost (or refused) by reason, since open.
    public var droppedRecords: [SpoolDropReason: UInt64] = [:]
    /// Damaged regions skipped in segments (also counted as `droppedRecords[.corrupt]`).
    public var corruptRegionsSkipped: UInt64 = 0
    public var corruptBytesSkipped: UInt64 = 0
    /// Torn tails cut off the last segment on open (kill -9 or power loss mid-write).
    public var tornTailsTruncated: UInt64 = 0
    /// Unreadable consumer acknowledgement files found on open; those consumers restart at the
    /// oldest record (duplicates downstream, never a loss).
    public var corruptAcknowledgementFiles: UInt64 = 0
    /// fsync calls that failed (the data may not be durable; the kernel has usually logged why).
    public var syncFailures: UInt64 = 0

    public init() {}
}
