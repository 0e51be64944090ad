/// A fixed-capacity byte buffer filled by (offset, bytes) pieces in any order, which knows how
/// long its gap-free prefix is. Both the TCP client stream (offsets from sequence numbers) and
/// the QUIC CRYPTO stream (offsets from CRYPTO frames) are reassembled with it.
///
/// Allocation story: the storage is allocated once, at `init`, and reused across `reset()`s; the
/// out-of-order range list reserves its fixed maximum up front, so inserting never allocates.
/// It is noncopyable so the one owner frees the storage exactly once.
///
/// Overlap policy: bytes already in the gap-free prefix are never overwritten (the first copy
/// wins, like most TCP stacks' receive queues); bytes in pending out-of-order ranges may be
/// overwritten by a later retransmission. An evader who sends conflicting overlaps can therefore
/// make us see a different hello than a last-wins server would, which only loses a name.
struct HandshakeAssemblyBuffer: ~Copyable {
    /// What happened to one inserted piece.
    enum Insert: Equatable {
        /// Stored (possibly only the part not seen before).
        case stored
        /// Part or all of the piece lay beyond the capacity and was dropped.
        case beyondCapacity
        /// Too many separate out-of-order holes; the piece was dropped (a retransmission will
        /// bring it back once earlier data fills the holes).
        case tooFragmented
    }

    /// Most separate out-of-order ranges tracked; three segments reordered need one.
    static let maxPendingRanges = 16

    let storage: UnsafeMutableRawBufferPointer
    /// Bytes `0..<contiguousLength` are all present.
    private(set) var contiguousLength = 0
    /// Out-of-order ranges beyond `contiguousLength`, sorted, non-overlapping, non-adjacent.
    private var pending: [Range<Int>] = []

    init(capacity: Int) {
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(capacity, 1), alignment: 8)
        pending.reserveCapacity(Self.maxPendingRanges)
    }

    deinit { storage.deallocate() }

    var capacity: Int { storage.count }

    /// The gap-free prefix.
    var contiguous: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<contiguousLength]) }

    mutating func reset() {
        contiguousLength = 0
        pending.removeAll(keepingCapacity: true)
    }

    /// Places `bytes` at stream offset `offset` (which may be negative: a retransmission that
    /// starts before the stream did; that part is ignored).
    mutating func insert(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Insert {
        let start = max(offset, 0)
        let requestedEnd = offset + bytes.count
        let end = min(requestedEnd, capacity)
        let outcome: Insert = requestedEnd > capacity ? .beyondCapacity : .stored
        guard start < end else { return offset >= capacity ? .beyondCapacity : .stored }

        if start <= contiguousLength {
            if end > contiguousLength {
                copy(bytes, streamOffset: offset, range: contiguousLength..<end)
                contiguousLength = end
                absorbPending()
            }
            return outcome
        }

        // Out of order: merge with any pending range it touches, keeping the list sorted.
        var merged = start..<end
        var index = 0
        let touchesExisting = pending.contains { $0.upperBound >= start && $0.lowerBound <= end }
        guard touchesExisting || pending.count < Self.maxPendingRanges else { return .tooFragmented }
        copy(bytes, streamOffset: offset, range: start..<end)
        while index < pending.count {
            let range = pending[index]
            if range.upperBound < merged.lowerBound {
                index += 1
            } else if range.lowerBound > merged.upperBound {
                break
            } else {
                merged = min(range.lowerBound, merged.lowerBound)..<max(range.upperBound, merged.upperBound)
                pending.remove(at: index)
            }
        }
        pending.insert(merged, at: index)
        return outcome
    }

    /// Copies the part of `bytes` (which starts at stream offset `streamOffset`) that falls in `range`.
    private func copy(_ bytes: UnsafeRawBufferPointer, streamOffset: Int, range: Range<Int>) {
        let source = UnsafeRawBufferPointer(
            rebasing: bytes[(range.lowerBound - streamOffset)..<(range.upperBound - streamOffset)]
        )
        UnsafeMutableRawBufferPointer(rebasing: storage[range]).copyMemory(from: source)
    }

    private mutating func absorbPending() {
        while let first = pending.first, first.lowerBound <= contiguousLength {
            contiguousLength = max(contiguousLength, first.upperBound)
            pending.removeFirst()
        }
    }
}
