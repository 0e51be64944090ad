/// A fixed-capacity window on one direction of a TCP stream, filled by segments in any order,
/// for the streams the protocol module has no reassembler of its own for: an HTTP request head
/// that spans segments, and both directions of DNS over TCP.
///
/// `base` is the stream offset of the first byte held; ``consume(_:)`` drops whole messages from
/// the front and moves the window on, so a long DNS-over-TCP connection reuses the same bytes.
/// Bytes already in the gap-free prefix are never overwritten (the first copy wins, like a
/// receive queue). Storage and the out-of-order range list
/// are allocated once, in `init`; nothing after that allocates.
final class StreamReassemblyBuffer {
    /// What happened to one segment.
    enum Insert: Equatable {
        case stored
        /// Part or all of the segment lay beyond the window and was dropped.
        case beyondCapacity
        /// Too many separate holes; the segment was dropped.
        case tooFragmented
    }

    /// Most out-of-order ranges held apart; a few reordered segments need one or two.
    static let maxPendingRanges = 8

    private let storage: UnsafeMutableRawBufferPointer
    /// Stream offset of `storage[0]`.
    private(set) var base = 0
    /// Bytes `0..<contiguousLength` of the window are all present.
    private(set) var contiguousLength = 0
    /// Out-of-order ranges (window offsets) past `contiguousLength`: sorted, disjoint, not adjacent.
    private var pending: [Range<Int>] = []

    init(capacity: Int) {
        storage = .allocate(byteCount: max(capacity, 1), alignment: 8)
        pending.reserveCapacity(Self.maxPendingRanges + 1)
    }

    deinit { storage.deallocate() }

    var capacity: Int { storage.count }

    /// The gap-free bytes at the front of the window.
    var contiguous: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<contiguousLength]) }

    /// Forgets everything; the next stream starts at offset 0.
    func reset() {
        base = 0
        contiguousLength = 0
        pending.removeAll(keepingCapacity: true)
    }

    /// Places `bytes`, which start at stream offset `offset`. Bytes before the window (already
    /// consumed, or a retransmission from before the stream start) are ignored.
    func insert(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Insert {
        let relative = offset - base
        let start = max(relative, 0)
        let requestedEnd = relative + bytes.count
        let end = min(requestedEnd, capacity)
        let outcome: Insert = requestedEnd > capacity ? .beyondCapacity : .stored
        guard start < end else { return relative >= capacity ? .beyondCapacity : .stored }

        if start <= contiguousLength {
            if end > contiguousLength {
                copy(bytes, relative: relative, range: contiguousLength..<end)
                contiguousLength = end
                while let first = pending.first, first.lowerBound <= contiguousLength {
                    contiguousLength = max(contiguousLength, first.upperBound)
                    pending.removeFirst()
                }
            }
            return outcome
        }

        let touches = pending.contains { $0.upperBound >= start && $0.lowerBound <= end }
        guard touches || pending.count < Self.maxPendingRanges else { return .tooFragmented }
        // Only the parts not held yet are copied, so the first copy of a byte wins here too.
        var cursor = start
        var merged = start..<end
        var index = 0
        while index < pending.count {
            let range = pending[index]
            if range.upperBound < merged.lowerBound {
                index += 1
                continue
            }
            if range.lowerBound > merged.upperBound { break }
            if cursor < range.lowerBound { copy(bytes, relative: relative, range: cursor..<range.lowerBound) }
            cursor = max(cursor, range.upperBound)
            merged = min(range.lowerBound, merged.lowerBound)..<max(range.upperBound, merged.upperBound)
            pending.remove(at: index)
        }
        if cursor < end { copy(bytes, relative: relative, range: cursor..<end) }
        pending.insert(merged, at: index)
        return outcome
    }

    /// Drops `count` bytes from the front of the contiguous part and slides the window on.
    func consume(_ count: Int) {
        let count = min(max(count, 0), contiguousLength)
        guard count > 0 else { return }
        let end = max(contiguousLength, pending.last?.upperBound ?? 0)
        if end > count, let destination = storage.baseAddress {
            destination.copyMemory(from: destination + count, byteCount: end - count)
        }
        contiguousLength -= count
        for index in pending.indices {
            pending[index] = (pending[index].lowerBound - count)..<(pending[index].upperBound - count)
        }
        base += count
    }

    /// Copies the part of `bytes` (starting at window offset `relative`) that falls in `range`.
    private func copy(_ bytes: UnsafeRawBufferPointer, relative: Int, range: Range<Int>) {
        let source = UnsafeRawBufferPointer(
            rebasing: bytes[(range.lowerBound - relative)..<(range.upperBound - relative)]
        )
        UnsafeMutableRawBufferPointer(rebasing: storage[range]).copyMemory(from: source)
    }
}
