import Glibc

/// A consumer's durable progress and what the spool derived from it.
struct ConsumerState: Sendable {
    var acknowledged: UInt64
    /// Where the first unacknowledged record is (kept current so backlog is cheap).
    var position: SpoolPosition
    /// Timestamp of the record at `position`, once looked up.
    var oldestTimestamp: Int64?
    var droppedUnacknowledged = 0
}

/// A consumer's last read, so the next read that continues from it starts at the exact offset.
struct ReadCursor: Sendable {
    var after: UInt64
    var position: SpoolPosition
    var reader: SegmentReader?
}

/// Everything behind the spool's mutex. Methods here may do small reads and writes (a record
/// batch, a 64 KiB index probe, unlink); fsync never happens under the lock, so producers never
/// wait for the disk to flush.
struct SpoolState: ~Copyable {
    let configuration: SpoolConfiguration
    let segmentsDirectory: String
    let consumersDirectory: String
    let instanceID: UInt64
    var maxBytes: Int64

    var segments: [SegmentIndex] = []
    var activeDescriptor: Int32 = -1
    var dirty = false
    var nextSequence: UInt64 = 1
    var consumers: [String: ConsumerState] = [:]
    var cursors: [String: ReadCursor] = [:]
    var statistics = SpoolStatistics()
    /// Set while writes fail, so only the first failure of a run warns.
    var failingSince: SpoolDropReason?
    var droppedWhileFailing = 0
    /// During a failure run, the timestamp of the first write that worked since the last
    /// failure: the run ends only once writes have worked for `recoveryMilliseconds`.
    var workingSinceMilliseconds: Int64?
    /// How long (in record timestamps) writes must work before a failure run ends. A disk
    /// hovering at full, where a write squeezes in whenever something frees a block, stays one
    /// run with one warning instead of a warning and a recovery notice per squeeze.
    static let recoveryMilliseconds: Int64 = 10_000
    var closed = false
    /// Descriptors of sealed segments waiting for fsync + close outside the lock.
    var sealedDescriptors: [Int32] = []
    var directoryNeedsSync = false

    init(configuration: SpoolConfiguration, instanceID: UInt64, maxBytes: Int64) {
        self.configuration = configuration
        self.segmentsDirectory = configuration.directory + "/segments"
        self.consumersDirectory = configuration.directory + "/consumers"
        self.instanceID = instanceID
        self.maxBytes = maxBytes
    }

    // MARK: segments

    func segmentIndex(firstSequence: UInt64) -> Int? {
        var low = 0
        var high = segments.count
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].firstSequence < firstSequence { low = middle + 1 } else { high = middle }
        }
        return low < segments.count && segments[low].firstSequence == firstSequence ? low : nil
    }

    /// Seals the active segment (if it holds anything) and starts a new one named after the next
    /// sequence. Returns errno on failure (0 on success); the old segment stays active then.
    mutating func roll() -> Int32 {
        if activeDescriptor >= 0, let active = segments.last, active.size == 0, active.firstSequence == nextSequence {
            return 0
        }
        let path = segmentsDirectory + "/" + SegmentName.fileName(firstSequence: nextSequence)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o640)
        guard fd >= 0 else { return errno }
        if activeDescriptor >= 0 { sealedDescriptors.append(activeDescriptor) }
        if let active = segments.last, active.size == 0, active.firstSequence != nextSequence {
            // An empty active segment (reopened after everything in it was torn) is just noise.
            unlink(active.path)
            segments.removeLast()
        }
        if segments.last?.firstSequence == nextSequence { segments.removeLast() }
        segments.append(SegmentIndex(firstSequence: nextSequence, path: path))
        activeDescriptor = fd
        dirty = false
        directoryNeedsSync = true
        return 0
    }

    /// Removes the `reasons.count` oldest segments, counting the records some consumer (or, with
    /// none registered, anyone) had not acknowledged as dropped for the given reason.
    mutating func dropOldest(_ reasons: [SpoolDropReason]) {
        for reason in reasons {
            guard segments.count > 1 else { return }
            let segment = segments.removeFirst()
            var lost = consumers.isEmpty ? segment.recordCount : 0
            for name in consumers.keys {
                let consumer = consumers[name]!
                let unacknowledged: Int
                if segment.lastSequence.map({ consumer.acknowledged >= $0 }) ?? true {
                    unacknowledged = 0
                } else if consumer.position.segmentFirstSequence == segment.firstSequence {
                    unacknowledged = segment.recordCount - consumer.position.recordIndex
                } else {
                    unacknowledged =
                        consumer.position.segmentFirstSequence > segment.firstSequence ? 0 : segment.recordCount
                }
                consumers[name]!.droppedUnacknowledged += unacknowledged
                lost = max(lost, unacknowledged)
            }
            if lost > 0 { statistics.droppedRecords[reason, default: 0] += UInt64(lost) }
            unlink(segment.path)
        }
        normalizeConsumers()
        releaseDeletedReaders()
    }

    /// Removes the oldest segments every registered consumer has acknowledged completely.
    mutating func dropAcknowledged() {
        guard let acknowledged = consumers.values.map(\.acknowledged).min() else { return }
        if failingSince == .diskFull, workingSinceMilliseconds == nil, let active = segments.last,
            let last = active.lastSequence, last <= acknowledged
        {
            // The active segment is never deleted, and on a small file system (or once every
            // sealed segment is gone) it holds all the space the spool can give back: with
            // writes failing for lack of space, seal it once delivered so it goes below. A
            // failed roll leaves things as they were.
            _ = roll()
        }
        let prefix = SpoolCapPolicy.acknowledgedPrefix(segments.map(\.summary), acknowledged: acknowledged)
        for segment in segments.prefix(prefix) { unlink(segment.path) }
        segments.removeFirst(prefix)
        normalizeConsumers()
        releaseDeletedReaders()
    }

    /// Closes the cached readers of segments that were deleted: an open descriptor keeps a
    /// deleted file's blocks allocated, and on a full disk that space is needed now, not at the
    /// consumer's next read. A read running outside the lock keeps its own reference.
    mutating func releaseDeletedReaders() {
        let oldest = segments.first?.firstSequence ?? nextSequence
        for name in cursors.keys where (cursors[name]!.reader?.firstSequence ?? oldest) < oldest {
            cursors[name]!.reader = nil
        }
    }

    mutating func enforceByteCap() {
        let reasons = SpoolCapPolicy.drops(
            segments.map(\.summary),
            maxBytes: maxBytes,
            maxAgeMilliseconds: nil,
            nowMilliseconds: 0
        )
        if !reasons.isEmpty { dropOldest(reasons) }
    }

    mutating func enforceCaps(nowMilliseconds: Int64) {
        if let active = segments.last,
            SpoolCapPolicy.activeSegmentExpired(
                active.summary,
                maxAgeMilliseconds: configuration.maxAgeMilliseconds,
                nowMilliseconds: nowMilliseconds
            )
        {
            _ = roll()
        }
        let reasons = SpoolCapPolicy.drops(
            segments.map(\.summary),
            maxBytes: maxBytes,
            maxAgeMilliseconds: configuration.maxAgeMilliseconds,
            nowMilliseconds: nowMilliseconds
        )
        if !reasons.isEmpty { dropOldest(reasons) }
    }

    // MARK: positions

    /// `position` moved onto a segment that still exists and, when it sits at the end of a
    /// sealed segment, onto the start of the next.
    func normalize(_ position: SpoolPosition) -> SpoolPosition {
        guard let first = segments.first else { return position }
        guard var index = segmentIndex(firstSequence: position.segmentFirstSequence) else {
            if position.segmentFirstSequence < first.firstSequence {
                return SpoolPosition(segmentFirstSequence: first.firstSequence, offset: 0, recordIndex: 0)
            }
            return endPosition
        }
        var position = position
        while position.offset >= segments[index].size && index + 1 < segments.count {
            index += 1
            position = SpoolPosition(segmentFirstSequence: segments[index].firstSequence, offset: 0, recordIndex: 0)
        }
        return position
    }

    var endPosition: SpoolPosition {
        guard let last = segments.last else { return SpoolPosition(segmentFirstSequence: 0, offset: 0, recordIndex: 0) }
        return SpoolPosition(segmentFirstSequence: last.firstSequence, offset: last.size, recordIndex: last.recordCount)
    }

    mutating func normalizeConsumers() {
        for name in consumers.keys {
            let old = consumers[name]!.position
            let new = normalize(old)
            if new != old {
                consumers[name]!.position = new
                if new.offset != old.offset { consumers[name]!.oldestTimestamp = nil }
            }
        }
    }

    /// The position of the first record with a sequence above `sequence`: a binary search over
    /// segments and checkpoints, then a scan of at most one checkpoint's spacing.
    func locate(after sequence: UInt64) -> (position: SpoolPosition, timestamp: Int64?) {
        guard !segments.isEmpty else { return (endPosition, nil) }
        let target = sequence == .max ? sequence : sequence + 1
        // The last segment whose first sequence is at or below the target holds it, if anyone does.
        var low = 0
        var high = segments.count
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].firstSequence <= target { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else {
            let first = segments[0]
            return (
                SpoolPosition(segmentFirstSequence: first.firstSequence, offset: 0, recordIndex: 0),
                first.firstTimestamp
            )
        }
        let segment = segments[low - 1]
        let atEnd = SpoolPosition(
            segmentFirstSequence: segment.firstSequence,
            offset: segment.size,
            recordIndex: segment.recordCount
        )
        guard let last = segment.lastSequence, last >= target else { return (normalize(atEnd), nil) }
        guard let range = segment.searchRange(for: target) else {
            return (
                SpoolPosition(segmentFirstSequence: segment.firstSequence, offset: 0, recordIndex: 0),
                segment.firstTimestamp
            )
        }
        guard let reader = SegmentReader(firstSequence: segment.firstSequence, path: segment.path),
            let bytes = SpoolFileSystem.readAt(
                reader.descriptor,
                offset: range.start.offset,
                count: range.end - range.start.offset
            )
        else { return (normalize(atEnd), nil) }
        var found: (SpoolPosition, Int64?)? = nil
        var index = range.start.recordIndex
        _ = bytes.withUnsafeBytes { raw in
            SegmentScanner.scan(
                raw,
                baseOffset: range.start.offset,
                maxPayload: configuration.maxRecordBytes,
                isFinal: true
            ) {
                record,
                _ in
                if record.header.sequence >= target {
                    found = (
                        SpoolPosition(
                            segmentFirstSequence: segment.firstSequence,
                            offset: record.offset,
                            recordIndex: index
                        ),
                        record.header.timestampMilliseconds
                    )
                    return false
                }
                index += 1
                return true
            }
        }
        if let found { return found }
        let next = SpoolPosition(
            segmentFirstSequence: segment.firstSequence,
            offset: range.end,
            recordIndex: range.endRecordIndex
        )
        return (normalize(next), nil)
    }

    // MARK: statistics

    var currentStatistics: SpoolStatistics {
        var result = statistics
        result.bytes = segments.reduce(0) { $0 + Int64($1.size) }
        result.records = segments.reduce(0) { $0 + $1.recordCount }
        result.segments = segments.count
        result.maxBytes = maxBytes
        return result
    }
}
