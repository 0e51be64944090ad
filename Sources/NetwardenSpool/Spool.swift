import Glibc
import Synchronization

/// The crash-safe on-disk queue between the daemon's telemetry and its uploaders.
///
/// Producers `append` opaque payloads; each destination (a named consumer) reads them in order
/// at its own pace and `acknowledge`s after its server's 2xx. Delivery is at least once: a
/// record is re-read after a crash between sending and acknowledging, with the same
/// `SpoolRecord.id` so the far side can drop the duplicate.
///
/// On disk (`<directory>/`):
/// - `segments/<20-digit first sequence>.seg`: append-only files of records (`SpoolRecordHeader`).
/// - `consumers/<name>.ack`: each consumer's acknowledged sequence, replaced atomically.
/// - `instance-id`: the random 64-bit id that makes record ids unique across spool wipes.
///
/// Durability: `append` writes with write(2) before it returns, so a kill -9 loses nothing that
/// was appended; `sync()` (about once a second) fsyncs, so a power cut loses at most the last
/// interval. Segments are also fsynced when sealed and on `close`.
///
/// Thread safety: every method may be called from any thread. One mutex guards the index;
/// record writes happen under it (one write(2) per `append` call), fsyncs and bulk reads do not,
/// so neither a slow disk flush nor an uploader reading megabytes stalls producers.
public final class Spool: Sendable {
    /// The persistent instance id (the first half of every `SpoolRecord.id`).
    public let instanceID: UInt64
    public let configuration: SpoolConfiguration
    private let state: Mutex<SpoolState>

    private init(configuration: SpoolConfiguration, state: consuming SpoolState) {
        self.instanceID = state.instanceID
        self.configuration = configuration
        self.state = Mutex(state)
    }

    deinit { close() }

    // MARK: opening

    /// Opens (or creates) the spool in `configuration.directory`, recovering from whatever a crash
    /// left behind: torn tails are cut off, damaged records skipped and counted, unknown files
    /// ignored. Throws only when the directory or the files the spool needs cannot be created.
    /// `nowMilliseconds` is the wall clock, for the age cap applied on open.
    ///
    /// Opening reads every segment once to rebuild the in-memory index (about the disk's read
    /// speed: seconds for a full 8 GiB spool on an SSD). Take the `StateDirectoryLock` first.
    public static func open(_ configuration: SpoolConfiguration, nowMilliseconds: Int64) throws(SpoolError) -> Spool {
        let directory = configuration.directory
        try SpoolFileSystem.makeDirectory(directory)
        try SpoolFileSystem.makeDirectory(directory + "/segments")
        try SpoolFileSystem.makeDirectory(directory + "/consumers")
        let instanceID = try SpoolInstanceID.loadOrCreate(directory: directory)

        var maxBytes = configuration.maxBytes
        if configuration.maxFileSystemFraction > 0, let size = SpoolFileSystem.fileSystemSize(directory) {
            maxBytes = min(maxBytes, Int64(Double(size) * configuration.maxFileSystemFraction))
        }
        // Below two segments the cap would delete what was just written.
        maxBytes = max(maxBytes, 2 * Int64(configuration.segmentBytes))

        var state = SpoolState(configuration: configuration, instanceID: instanceID, maxBytes: maxBytes)
        recoverSegments(&state)
        recoverConsumers(&state)
        if state.activeDescriptor < 0 {
            let failure = state.roll()
            guard failure == 0 else {
                let path = state.segmentsDirectory + "/" + SegmentName.fileName(firstSequence: state.nextSequence)
                throw SpoolError(
                    code: .cannotCreateFile,
                    path: path,
                    message: "cannot create spool segment \(path): \(SpoolFileSystem.errorText(failure))",
                    errno: failure
                )
            }
        }
        state.enforceCaps(nowMilliseconds: nowMilliseconds)
        state.dropAcknowledged()
        let sealed = state.sealedDescriptors
        state.sealedDescriptors = []
        state.directoryNeedsSync = false
        flushSealed(sealed, directory: directory + "/segments", syncDirectory: true)
        return Spool(configuration: configuration, state: state)
    }

    private static func recoverSegments(_ state: inout SpoolState) {
        let directory = state.segmentsDirectory
        let found = SpoolFileSystem.list(directory).compactMap { name -> (UInt64, String)? in
            if name.hasSuffix(".tmp") { unlink(directory + "/" + name) }
            guard let first = SegmentName.firstSequence(of: name),
                SpoolFileSystem.isRegularFile(directory + "/" + name)
            else { return nil }
            return (first, directory + "/" + name)
        }.sorted { $0.0 < $1.0 }

        var lastSequence: UInt64 = 0
        for (position, (first, path)) in found.enumerated() {
            let isLast = position == found.count - 1
            var segment = SegmentIndex(firstSequence: first, path: path)
            guard let bytes = SpoolFileSystem.readFile(path) else {
                // Unreadable (EIO): skip it and let the caps remove it eventually.
                state.statistics.corruptRegionsSkipped += 1
                state.statistics.droppedRecords[.corrupt, default: 0] += 1
                continue
            }
            var outOfOrder = 0
            let outcome = bytes.withUnsafeBytes { raw in
                SegmentScanner.scan(raw, baseOffset: 0, maxPayload: state.configuration.maxRecordBytes, isFinal: true) {
                    record,
                    _ in
                    // A valid record from the past (a stray copy, a restored file) would break
                    // the ordering every reader relies on: it is damage too.
                    guard record.header.sequence > lastSequence, record.header.sequence >= first else {
                        outOfOrder += 1
                        return true
                    }
                    lastSequence = record.header.sequence
                    segment.note(
                        sequence: record.header.sequence,
                        timestamp: record.header.timestampMilliseconds,
                        offset: record.offset,
                        end: record.end
                    )
                    return true
                }
            }
            var damaged = outcome.corruptRegions + outOfOrder
            state.statistics.corruptBytesSkipped += UInt64(outcome.corruptBytes)
            if isLast {
                segment.size = outcome.validEnd
                if outcome.tailBytes > 0 {
                    // A write cut short by kill -9 or power loss: cut it off so appends continue
                    // from a record boundary.
                    if truncate(path, off_t(outcome.validEnd)) == 0 {
                        state.statistics.tornTailsTruncated += 1
                    } else {
                        damaged += 1
                    }
                }
            } else {
                segment.size = bytes.count
                if outcome.tailBytes > 0 { damaged += 1 }
            }
            state.statistics.corruptRegionsSkipped += UInt64(damaged)
            if damaged > 0 { state.statistics.droppedRecords[.corrupt, default: 0] += UInt64(damaged) }
            state.segments.append(segment)
        }
        state.nextSequence = max(lastSequence + 1, state.nextSequence)
        if let last = state.segments.last {
            if last.lastSequence == nil { state.nextSequence = max(state.nextSequence, last.firstSequence) }
            if last.size < state.configuration.segmentBytes {
                let fd = Glibc.open(last.path, O_WRONLY | O_APPEND | O_CLOEXEC)
                if fd >= 0 { state.activeDescriptor = fd }
            }
        }
    }

    private static func recoverConsumers(_ state: inout SpoolState) {
        let directory = state.consumersDirectory
        for name in SpoolFileSystem.list(directory) {
            if name.hasSuffix(".tmp") {
                unlink(directory + "/" + name)
                continue
            }
            guard let consumer = ConsumerAcknowledgement.consumer(fromFileName: name) else { continue }
            var acknowledged: UInt64 = 0
            if let bytes = SpoolFileSystem.readFile(directory + "/" + name, limit: 64),
                let value = ConsumerAcknowledgement.decode(bytes)
            {
                acknowledged = value
            } else {
                state.statistics.corruptAcknowledgementFiles += 1
            }
            state.nextSequence = max(state.nextSequence, acknowledged &+ 1)
            let (position, timestamp) = state.locate(after: acknowledged)
            state.consumers[consumer] = ConsumerState(
                acknowledged: acknowledged,
                position: position,
                oldestTimestamp: timestamp
            )
        }
    }

    private static func flushSealed(_ descriptors: [Int32], directory: String, syncDirectory: Bool) {
        for fd in descriptors {
            fsync(fd)
            Glibc.close(fd)
        }
        if syncDirectory { SpoolFileSystem.syncDirectory(directory) }
    }

    /// Runs `body` under the lock, then fsyncs and closes segments it sealed outside it.
    private func withState<T: Sendable>(_ body: (inout SpoolState) -> T) -> T {
        let (result, sealed, syncDirectory) = state.withLock { state in
            let result = body(&state)
            defer {
                state.sealedDescriptors = []
                state.directoryNeedsSync = false
            }
            return (result, state.sealedDescriptors, state.directoryNeedsSync)
        }
        if !sealed.isEmpty || syncDirectory {
            Self.flushSealed(sealed, directory: configuration.directory + "/segments", syncDirectory: syncDirectory)
        }
        return result
    }

    // MARK: producing

    /// Appends `payloads` as consecutive records, all stamped `timestampMilliseconds`, with one
    /// write(2) per segment touched. Never throws and never waits for fsync: payloads that
    /// cannot be stored are counted as dropped in the result and in `statistics`. A failed write
    /// is rolled back (ftruncate to the last good record), so no torn record stays behind, and
    /// the next call simply tries again, so the spool recovers when space returns.
    public func append(_ payloads: [[UInt8]], timestampMilliseconds: Int64) -> SpoolAppendResult {
        withState { $0.append(payloads, timestampMilliseconds: timestampMilliseconds) }
    }

    /// fsyncs the active segment if anything was appended since the last sync. Call about once
    /// a second (`SpoolConfiguration.syncInterval`); the flush runs outside the lock.
    public func sync() {
        let fd = state.withLock { state -> Int32 in
            guard state.dirty, state.activeDescriptor >= 0 else { return -1 }
            state.dirty = false
            return dup(state.activeDescriptor)
        }
        guard fd >= 0 else { return }
        if fsync(fd) != 0 {
            state.withLock { state in
                state.statistics.syncFailures += 1
                state.dirty = true
            }
        }
        Glibc.close(fd)
    }

    /// Applies the age cap (and the byte cap) at `nowMilliseconds`; call periodically, e.g. once a
    /// minute. The byte cap is also applied after every append.
    public func enforceCaps(nowMilliseconds: Int64) {
        withState { $0.enforceCaps(nowMilliseconds: nowMilliseconds) }
    }

    // MARK: consuming

    /// Makes `consumer` durable: from now on segments are kept until it has acknowledged them
    /// (or caps drop them). A new consumer starts at the oldest record still in the spool, or
    /// after the newest with `newConsumerStart = .end`. Registering again changes nothing.
    public func register(consumer: String) {
        withState { state in
            guard state.consumers[consumer] == nil else { return }
            let acknowledged: UInt64 =
                state.configuration.newConsumerStart == .oldest ? 0 : state.nextSequence - 1
            _ = SpoolFileSystem.writeAtomically(
                state.consumersDirectory + "/" + ConsumerAcknowledgement.fileName(consumer: consumer),
                ConsumerAcknowledgement.encode(acknowledged),
                directory: state.consumersDirectory
            )
            let (position, timestamp) = state.locate(after: acknowledged)
            state.consumers[consumer] = ConsumerState(
                acknowledged: acknowledged,
                position: position,
                oldestTimestamp: timestamp
            )
        }
    }

    /// Forgets `consumer` (an output removed from the configuration): its acknowledgement file
    /// goes, and segments are no longer kept for it. Unknown names change nothing.
    public func unregister(consumer: String) {
        withState { state in
            guard state.consumers.removeValue(forKey: consumer) != nil else { return }
            unlink(state.consumersDirectory + "/" + ConsumerAcknowledgement.fileName(consumer: consumer))
            state.dropAcknowledged()
        }
    }

    /// The names of the registered consumers.
    public var consumers: [String] { state.withLock { Array($0.consumers.keys).sorted() } }

    /// Up to `maxRecords` records (and about `maxBytes` of payload, but always at least one
    /// record when there is one) with sequences above `sequence`, in order. `sequence` is the
    /// consumer's acknowledged sequence or the last one it has sent and not yet had
    /// acknowledged; nil means its acknowledged sequence. Reading does not acknowledge.
    ///
    /// Each consumer's read position is cached, so a read that continues where the last one
    /// ended starts at the exact byte; any other sequence is found through the segment index.
    /// Records of the segment being appended to are visible as soon as `append` returns.
    public func read(consumer: String, after sequence: UInt64?, maxRecords: Int, maxBytes: Int) -> [SpoolRecord] {
        guard maxRecords > 0 else { return [] }
        // Plan under the lock: where to start and which committed byte ranges to read.
        let plan = state.withLock { state -> ReadPlan in
            let after = sequence ?? state.consumers[consumer]?.acknowledged ?? 0
            var position: SpoolPosition
            var reader: SegmentReader? = nil
            if let cursor = state.cursors[consumer], cursor.after == after {
                position = state.normalize(cursor.position)
                reader = cursor.reader
            } else {
                position = state.locate(after: after).position
            }
            var ranges: [ReadPlan.Range] = []
            if let start = state.segmentIndex(firstSequence: position.segmentFirstSequence) {
                for segment in state.segments[start...] {
                    let offset = segment.firstSequence == position.segmentFirstSequence ? position.offset : 0
                    let index = segment.firstSequence == position.segmentFirstSequence ? position.recordIndex : 0
                    ranges.append(ReadPlan.Range(segment: segment, offset: offset, recordIndex: index))
                }
            }
            return ReadPlan(after: after, start: position, ranges: ranges, reader: reader)
        }

        // Read outside the lock.
        var batch = SegmentReader.Batch(
            instanceID: instanceID,
            after: plan.after,
            maxRecords: maxRecords,
            maxBytes: maxBytes,
            maxPayload: configuration.maxRecordBytes
        )
        var reader = plan.reader
        var position = plan.start
        for range in plan.ranges where !batch.full {
            if reader?.firstSequence != range.segment.firstSequence {
                reader = SegmentReader(firstSequence: range.segment.firstSequence, path: range.segment.path)
            }
            guard let current = reader else { continue }  // deleted meanwhile: acknowledged or dropped
            let end = current.read(
                from: range.offset,
                end: range.segment.size,
                recordIndex: range.recordIndex,
                into: &batch
            )
            position = SpoolPosition(
                segmentFirstSequence: range.segment.firstSequence,
                offset: end.offset,
                recordIndex: end.recordIndex
            )
        }

        let cursor = ReadCursor(after: batch.after, position: position, reader: reader)
        state.withLock { $0.cursors[consumer] = cursor }
        return batch.records
    }

    /// Durably records that `consumer` has delivered everything up to `sequence` (written to its
    /// ack file atomically before this returns), then deletes segments every consumer has
    /// acknowledged. Acknowledging backwards is ignored; an unregistered consumer is registered.
    public func acknowledge(consumer: String, through sequence: UInt64) {
        withState { state in
            if state.consumers[consumer] == nil {
                let position = state.locate(after: 0)
                state.consumers[consumer] = ConsumerState(
                    acknowledged: 0,
                    position: position.0,
                    oldestTimestamp: position.1
                )
            }
            let sequence = min(sequence, state.nextSequence - 1)
            guard sequence > state.consumers[consumer]!.acknowledged else { return }
            let path = state.consumersDirectory + "/" + ConsumerAcknowledgement.fileName(consumer: consumer)
            let bytes = ConsumerAcknowledgement.encode(sequence)
            var failure = SpoolFileSystem.writeAtomically(path, bytes, directory: state.consumersDirectory)
            if failure == ENOSPC || failure == EDQUOT {
                // On a full disk acknowledging is the only way to free space (it lets segments
                // go), so it must not need space itself: the ack file's own block is rewritten.
                // A crash mid-write leaves a file whose checksum fails, read back as "nothing
                // acknowledged": resends, never losses.
                failure = SpoolFileSystem.overwriteInPlace(path, bytes)
            }
            // Without a durable ack the in-memory one would delete segments a restart still needs.
            guard failure == 0 else { return }
            state.consumers[consumer]!.acknowledged = sequence
            if let cursor = state.cursors[consumer], cursor.after == sequence {
                state.consumers[consumer]!.position = state.normalize(cursor.position)
                state.consumers[consumer]!.oldestTimestamp = nil
            } else {
                let (position, timestamp) = state.locate(after: sequence)
                state.consumers[consumer]!.position = position
                state.consumers[consumer]!.oldestTimestamp = timestamp
            }
            state.dropAcknowledged()
        }
    }

    /// The consumer's durable acknowledged sequence (0: nothing yet), or nil if not registered.
    public func acknowledgedSequence(consumer: String) -> UInt64? {
        state.withLock { $0.consumers[consumer]?.acknowledged }
    }

    /// What `consumer` has not acknowledged yet (zero for an unregistered consumer).
    public func backlog(consumer: String) -> SpoolBacklog {
        withState { state in
            guard var consumer = state.consumers[consumer] else { return SpoolBacklog() }
            let position = state.normalize(consumer.position)
            guard let start = state.segmentIndex(firstSequence: position.segmentFirstSequence) else {
                return SpoolBacklog(acknowledgedSequence: consumer.acknowledged)
            }
            let segment = state.segments[start]
            var records = segment.recordCount - position.recordIndex
            var bytes = Int64(segment.size - position.offset)
            for later in state.segments[(start + 1)...] {
                records += later.recordCount
                bytes += Int64(later.size)
            }
            var oldest: Int64? = nil
            if records > 0 {
                if position.recordIndex == 0 {
                    oldest = segment.firstTimestamp
                } else if let cached = consumer.oldestTimestamp {
                    oldest = cached
                } else {
                    oldest =
                        SegmentReader(firstSequence: segment.firstSequence, path: segment.path)?
                        .header(at: position.offset)?.timestampMilliseconds
                }
                if oldest == nil {
                    oldest = state.segments[start...].lazy.compactMap(\.firstTimestamp).first
                }
            }
            consumer.position = position
            consumer.oldestTimestamp = oldest
            return SpoolBacklog(
                acknowledgedSequence: consumer.acknowledged,
                records: max(records, 0),
                bytes: max(bytes, 0),
                oldestTimestampMilliseconds: oldest,
                droppedUnacknowledged: consumer.droppedUnacknowledged
            )
        }
    }

    /// Totals and counters for self-metrics.
    public var statistics: SpoolStatistics { state.withLock { $0.currentStatistics } }

    /// The sequence the next appended record will get.
    public var nextSequence: UInt64 { state.withLock { $0.nextSequence } }

    /// fsyncs and closes the active segment; later appends are dropped (`closed`), reads still
    /// work. Called by deinit too.
    public func close() {
        let fd = state.withLock { state -> Int32 in
            guard !state.closed else { return -1 }
            state.closed = true
            state.cursors = [:]
            defer { state.activeDescriptor = -1 }
            return state.activeDescriptor
        }
        guard fd >= 0 else { return }
        fsync(fd)
        Glibc.close(fd)
    }
}

/// What `Spool.read` decided under the lock and carries out after releasing it.
private struct ReadPlan: Sendable {
    struct Range: Sendable {
        var segment: SegmentIndex
        var offset: Int
        var recordIndex: Int
    }
    var after: UInt64
    var start: SpoolPosition
    var ranges: [Range]
    var reader: SegmentReader?
}
