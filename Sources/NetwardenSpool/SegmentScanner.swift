/// One record found by `SegmentScanner`: where it starts in the segment and its header.
struct ScannedRecord {
    /// Byte offset of the header in the segment file.
    var offset: Int
    var header: SpoolRecordHeader
    /// Offset just past the payload: where the next record starts.
    var end: Int { offset + SpoolRecordHeader.size + Int(header.length) }
}

/// What a scan of a buffer found besides the records it handed to its visitor.
struct SegmentScanOutcome: Equatable {
    /// Segment offset to continue from with the next chunk (the buffer's end after a final scan,
    /// the start of an incomplete record otherwise).
    var resumeOffset: Int
    /// Segment offset just past the last valid record (the base offset when there was none).
    var validEnd: Int
    /// Runs of bytes between valid records that are not records (torn writes, bit flips,
    /// garbage), each counted once; a run at the very end of a final scan is not counted here.
    var corruptRegions = 0
    var corruptBytes = 0
    /// Bytes after the last valid record in a final scan: a torn tail (kill -9 or power cut in
    /// the middle of a write) when this is the last segment.
    var tailBytes = 0
    /// The visitor returned false.
    var stoppedEarly = false
}

/// Finds records in segment bytes, skipping anything that is not one: no system calls, so
/// recovery is tested on byte arrays.
///
/// A record counts only when its marker, a plausible length and its CRC-32C all check out; after
/// anything else the scan resynchronises on the next marker. A false marker inside a payload is
/// harmless: its CRC will not match (2^-32 odds).
enum SegmentScanner {
    /// Scans `bytes`, which start at segment offset `baseOffset`. With `isFinal` the buffer holds
    /// everything up to the end of the segment, so an incomplete record at the end is a torn tail;
    /// without it the scan stops there and `resumeOffset` says where to read on from.
    static func scan(
        _ bytes: UnsafeRawBufferPointer,
        baseOffset: Int,
        maxPayload: Int,
        isFinal: Bool,
        _ visit: (ScannedRecord, UnsafeRawBufferPointer) -> Bool
    ) -> SegmentScanOutcome {
        let count = bytes.count
        let headerSize = SpoolRecordHeader.size
        var outcome = SegmentScanOutcome(resumeOffset: baseOffset + count, validEnd: baseOffset)
        var position = 0
        var corruptStart: Int? = nil

        while position < count {
            if count - position < headerSize && !isFinal {
                outcome.resumeOffset = baseOffset + position
                return outcome
            }
            if count - position >= headerSize, SpoolRecordHeader.hasMagic(bytes, at: position),
                let header = SpoolRecordHeader.decode(UnsafeRawBufferPointer(rebasing: bytes[position...])),
                Int(header.length) <= maxPayload
            {
                let end = position + headerSize + Int(header.length)
                if end <= count {
                    let covered = UnsafeRawBufferPointer(rebasing: bytes[(position + 8)..<end])
                    if CRC32C.checksum(covered) == header.checksum {
                        if let start = corruptStart {
                            outcome.corruptRegions += 1
                            outcome.corruptBytes += position - start
                            corruptStart = nil
                        }
                        let record = ScannedRecord(offset: baseOffset + position, header: header)
                        outcome.validEnd = baseOffset + end
                        position = end
                        let payload = UnsafeRawBufferPointer(rebasing: bytes[(end - Int(header.length))..<end])
                        if !visit(record, payload) {
                            outcome.stoppedEarly = true
                            outcome.resumeOffset = baseOffset + position
                            return outcome
                        }
                        continue
                    }
                } else if !isFinal && corruptStart == nil {
                    // Most likely a record that continues past this chunk.
                    outcome.resumeOffset = baseOffset + position
                    return outcome
                }
            }
            // Not a record here: skip to the next marker.
            if corruptStart == nil { corruptStart = position }
            guard let next = nextMarker(in: bytes, from: position + 1) else {
                if isFinal {
                    position = count
                } else {
                    // Keep the last three bytes: a marker may straddle the chunk boundary.
                    outcome.resumeOffset = baseOffset + max(position + 1, count - 3)
                    return outcome
                }
                break
            }
            position = next
        }
        if isFinal {
            outcome.tailBytes = baseOffset + count - outcome.validEnd
        }
        return outcome
    }

    /// Offset of the next sync marker at or after `start`, or nil.
    static func nextMarker(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        let first = SpoolRecordHeader.magic[0]
        var index = start
        while index + 4 <= bytes.count {
            if bytes[index] == first && SpoolRecordHeader.hasMagic(bytes, at: index) { return index }
            index += 1
        }
        return nil
    }
}
