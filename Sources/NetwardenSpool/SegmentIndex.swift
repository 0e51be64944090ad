/// Where a reader is: the byte offset of a record (or of a segment's end) in the segment that
/// starts at `segmentFirstSequence`, and how many valid records precede it there.
struct SpoolPosition: Equatable, Sendable {
    var segmentFirstSequence: UInt64
    var offset: Int
    var recordIndex: Int
}

/// What the spool keeps in memory about one segment file: enough to answer caps, backlog and
/// "where is the record after sequence N" without reading the file from the start.
struct SegmentIndex: Sendable {
    /// One remembered record position every `checkpointSpacing` bytes, so finding a sequence
    /// reads at most that much of a segment. 64 KiB keeps the index at about 16 bytes per
    /// 64 KiB of spool (256 KiB of memory for a full 1 GiB).
    static let checkpointSpacing = 64 << 10

    struct Checkpoint: Equatable, Sendable {
        var sequence: UInt64
        var offset: Int
        var recordIndex: Int
    }

    var firstSequence: UInt64
    var path: String
    /// Bytes of the file that belong to the log: for the active segment, the end of the last
    /// record written successfully (readers never look past it).
    var size: Int = 0
    var recordCount = 0
    var lastSequence: UInt64?
    var firstTimestamp: Int64?
    var newestTimestamp: Int64?
    var checkpoints: [Checkpoint] = []

    init(firstSequence: UInt64, path: String) {
        self.firstSequence = firstSequence
        self.path = path
    }

    /// Records one valid record that starts at `offset` and ends at `end`.
    mutating func note(sequence: UInt64, timestamp: Int64, offset: Int, end: Int) {
        if checkpoints.isEmpty || offset - checkpoints[checkpoints.count - 1].offset >= Self.checkpointSpacing {
            checkpoints.append(Checkpoint(sequence: sequence, offset: offset, recordIndex: recordCount))
        }
        recordCount += 1
        lastSequence = sequence
        if firstTimestamp == nil { firstTimestamp = timestamp }
        newestTimestamp = max(newestTimestamp ?? timestamp, timestamp)
        size = max(size, end)
    }

    var summary: SegmentSummary {
        SegmentSummary(
            firstSequence: firstSequence,
            lastSequence: lastSequence,
            bytes: Int64(size),
            newestTimestampMilliseconds: newestTimestamp
        )
    }

    /// The byte range to scan for the first record with a sequence of at least `target`: from
    /// the last checkpoint at or before it to the next checkpoint (or the end).
    func searchRange(for target: UInt64) -> (start: Checkpoint, end: Int, endRecordIndex: Int)? {
        guard let first = checkpoints.first, first.sequence < target else { return nil }
        var low = 0
        var high = checkpoints.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if checkpoints[middle].sequence <= target { low = middle } else { high = middle - 1 }
        }
        let next = low + 1 < checkpoints.count ? checkpoints[low + 1] : nil
        return (checkpoints[low], next?.offset ?? size, next?.recordIndex ?? recordCount)
    }
}
