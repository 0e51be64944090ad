import Glibc

/// A read-only descriptor on one segment file, shared by a consumer's cached cursor so
/// consecutive reads do not reopen the file; closed when the last holder lets go. Holding it
/// keeps a deleted segment readable, so a read racing a cap drop or acknowledgement finishes.
final class SegmentReader: Sendable {
    let firstSequence: UInt64
    let descriptor: Int32

    init?(firstSequence: UInt64, path: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        self.firstSequence = firstSequence
        self.descriptor = fd
    }

    deinit { close(descriptor) }

    /// Budget and progress of one `Spool.read` call.
    struct Batch {
        var instanceID: UInt64
        var after: UInt64
        var maxRecords: Int
        var maxBytes: Int
        var maxPayload: Int
        var records: [SpoolRecord] = []
        var payloadBytes = 0
        /// The next record would have gone over `maxBytes`.
        var outOfBytes = false
        var full: Bool { outOfBytes || records.count >= maxRecords || payloadBytes >= maxBytes }
    }

    /// Reads records from `offset` up to `end` (a record boundary the writer had committed) into
    /// `batch`, skipping sequences at or below `batch.after` and damaged bytes. Returns where
    /// the next read continues: the offset after the last record taken and its record index.
    func read(from offset: Int, end: Int, recordIndex: Int, into batch: inout Batch) -> (offset: Int, recordIndex: Int)
    {
        var offset = offset
        var recordIndex = recordIndex
        var chunk = 256 << 10
        while offset < end && !batch.full {
            let count = min(chunk, end - offset)
            guard let bytes = SpoolFileSystem.readAt(descriptor, offset: offset, count: count), !bytes.isEmpty else {
                // Unreadable (EIO) or shorter than the index says: give up on the rest of it.
                return (end, recordIndex)
            }
            var taken = (offset: offset, recordIndex: recordIndex)
            let outcome = bytes.withUnsafeBytes { raw in
                SegmentScanner.scan(
                    raw,
                    baseOffset: offset,
                    maxPayload: batch.maxPayload,
                    isFinal: offset + bytes.count >= end
                ) { record, payload in
                    if record.header.sequence > batch.after {
                        if !batch.records.isEmpty && batch.payloadBytes + payload.count > batch.maxBytes {
                            batch.outOfBytes = true
                            return false
                        }
                        batch.records.append(
                            SpoolRecord(
                                instanceID: batch.instanceID,
                                sequence: record.header.sequence,
                                timestampMilliseconds: record.header.timestampMilliseconds,
                                payload: Array(payload)
                            )
                        )
                        batch.payloadBytes += payload.count
                        batch.after = record.header.sequence
                    }
                    taken = (record.end, taken.recordIndex + 1)
                    return !batch.full
                }
            }
            if outcome.stoppedEarly { return taken }
            if outcome.resumeOffset <= offset {
                // One record larger than the chunk: read a bigger one.
                chunk *= 2
                continue
            }
            offset = outcome.resumeOffset
            recordIndex = taken.recordIndex
        }
        return (min(offset, end), recordIndex)
    }

    /// The header of the record at `offset`, if one is there.
    func header(at offset: Int) -> SpoolRecordHeader? {
        guard let bytes = SpoolFileSystem.readAt(descriptor, offset: offset, count: SpoolRecordHeader.size) else {
            return nil
        }
        return bytes.withUnsafeBytes { SpoolRecordHeader.decode($0) }
    }
}
