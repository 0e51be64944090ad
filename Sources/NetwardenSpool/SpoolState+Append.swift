import Glibc

extension SpoolState {
    /// One encoded record waiting in the write buffer.
    private struct Pending {
        var sequence: UInt64
        var offset: Int
        var end: Int
    }

    mutating func append(_ payloads: [[UInt8]], timestampMilliseconds: Int64) -> SpoolAppendResult {
        var result = SpoolAppendResult()
        guard !closed else {
            if !payloads.isEmpty { result.dropped[.closed] = payloads.count }
            statistics.droppedRecords[.closed, default: 0] += UInt64(payloads.count)
            return result
        }
        var buffer: [UInt8] = []
        var pending: [Pending] = []
        let segmentBytes = configuration.segmentBytes

        for payload in payloads {
            if payload.count > configuration.maxRecordBytes {
                drop(1, .tooLarge, into: &result)
                continue
            }
            let recordSize = SpoolRecordHeader.size + payload.count
            let activeSize = (segments.last?.size ?? 0) + buffer.count
            if activeDescriptor < 0 || (activeSize > 0 && activeSize + recordSize > segmentBytes) {
                flush(&buffer, &pending, timestampMilliseconds, into: &result)
                let failure = roll()
                if failure != 0 || activeDescriptor < 0 {
                    fail(errno: failure == 0 ? EIO : failure, count: 1, into: &result)
                    continue
                }
            }
            let offset = (segments.last?.size ?? 0) + buffer.count
            payload.withUnsafeBytes {
                SpoolRecordHeader.encode(
                    payload: $0,
                    sequence: nextSequence,
                    timestampMilliseconds: timestampMilliseconds,
                    into: &buffer
                )
            }
            pending.append(Pending(sequence: nextSequence, offset: offset, end: offset + recordSize))
            nextSequence += 1
        }
        flush(&buffer, &pending, timestampMilliseconds, into: &result)
        enforceByteCap()
        return result
    }

    /// Writes the buffered records to the active segment; on failure truncates back to the last
    /// good record, gives their sequences back and counts them dropped.
    private mutating func flush(
        _ buffer: inout [UInt8],
        _ pending: inout [Pending],
        _ timestamp: Int64,
        into result: inout SpoolAppendResult
    ) {
        guard !buffer.isEmpty, let first = pending.first else { return }
        defer {
            buffer.removeAll(keepingCapacity: true)
            pending.removeAll(keepingCapacity: true)
        }
        let committed = segments[segments.count - 1].size
        let failure = buffer.withUnsafeBytes { SpoolFileSystem.writeAll(activeDescriptor, $0) }
        guard failure == 0 else {
            // A partial write would leave a torn record that the next append lands behind;
            // cutting back to the committed end keeps the file a clean sequence of records.
            _ = ftruncate(activeDescriptor, off_t(committed))
            nextSequence = first.sequence
            fail(errno: failure, count: pending.count, into: &result)
            return
        }
        for record in pending {
            segments[segments.count - 1].note(
                sequence: record.sequence,
                timestamp: timestamp,
                offset: record.offset,
                end: record.end
            )
            result.sequences.append(record.sequence)
        }
        statistics.appendedRecords += UInt64(pending.count)
        dirty = true
        if let reason = failingSince {
            let since = workingSinceMilliseconds ?? timestamp
            workingSinceMilliseconds = since
            if timestamp &- since >= Self.recoveryMilliseconds {
                result.warning = SpoolWarning(
                    isRecovery: true,
                    message: "spool writes in \(configuration.directory) work again after \(reason) "
                        + "(\(droppedWhileFailing) records dropped meanwhile)"
                )
                failingSince = nil
                droppedWhileFailing = 0
                workingSinceMilliseconds = nil
            }
        }
    }

    private mutating func fail(errno code: Int32, count: Int, into result: inout SpoolAppendResult) {
        let reason: SpoolDropReason = code == ENOSPC || code == EDQUOT ? .diskFull : .writeError
        drop(count, reason, into: &result)
        droppedWhileFailing += count
        workingSinceMilliseconds = nil
        if failingSince == nil {
            failingSince = reason
            result.warning = SpoolWarning(
                isRecovery: false,
                message: "spool write in \(segmentsDirectory) failed: \(SpoolFileSystem.errorText(code)); "
                    + "dropping records (counted as \(reason)) until writes work again"
            )
        }
    }

    private mutating func drop(_ count: Int, _ reason: SpoolDropReason, into result: inout SpoolAppendResult) {
        result.dropped[reason, default: 0] += count
        statistics.droppedRecords[reason, default: 0] += UInt64(count)
    }
}
