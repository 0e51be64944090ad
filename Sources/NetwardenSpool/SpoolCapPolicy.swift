/// The numbers the cap policy needs about one segment; the spool keeps more.
struct SegmentSummary: Equatable {
    var firstSequence: UInt64
    /// nil for a segment without records.
    var lastSequence: UInt64?
    var bytes: Int64
    /// Newest record timestamp in the segment (nil without records).
    var newestTimestampMilliseconds: Int64?
}

/// Which segments go, and why: pure decisions over segment summaries, oldest first.
///
/// Whole segments are the unit of removal (deleting a file is the only way to give space back
/// from an append-only log), so caps are enforced to within one segment. The active (last)
/// segment is never removed here; the spool rolls it first when it has aged out.
enum SpoolCapPolicy {
    /// For the oldest segments that must go, the reason for each (index i of the result is
    /// segment i); without `maxAgeMilliseconds` only the byte cap applies. Age is checked first: a segment that is both too old and over the byte cap is
    /// counted as `age`, the reason an operator can do something about less.
    static func drops(
        _ segments: [SegmentSummary],
        maxBytes: Int64,
        maxAgeMilliseconds: Int64?,
        nowMilliseconds: Int64
    ) -> [SpoolDropReason] {
        var total = segments.reduce(Int64(0)) { $0 + $1.bytes }
        let cutoff = maxAgeMilliseconds.map { nowMilliseconds &- $0 } ?? Int64.min
        var reasons: [SpoolDropReason] = []
        for segment in segments.dropLast() {
            if let newest = segment.newestTimestampMilliseconds, newest < cutoff {
                reasons.append(.age)
            } else if segment.lastSequence == nil {
                // Empty and sealed: nothing to lose; it goes with its neighbours.
                reasons.append(.bytes)
            } else if total > maxBytes {
                reasons.append(.bytes)
            } else {
                break
            }
            total -= segment.bytes
        }
        return reasons
    }

    /// Whether the active segment has aged out entirely and should be sealed so it can go.
    static func activeSegmentExpired(
        _ active: SegmentSummary,
        maxAgeMilliseconds: Int64,
        nowMilliseconds: Int64
    ) -> Bool {
        guard let newest = active.newestTimestampMilliseconds else { return false }
        return newest < nowMilliseconds &- maxAgeMilliseconds
    }

    /// How many of the oldest segments every consumer has acknowledged completely
    /// (`acknowledged` is the smallest acknowledged sequence among them). Never the active one.
    static func acknowledgedPrefix(_ segments: [SegmentSummary], acknowledged: UInt64) -> Int {
        var prefix = 0
        for segment in segments.dropLast() {
            // A sealed segment without records holds nothing anyone could still need.
            guard segment.lastSequence.map({ $0 <= acknowledged }) ?? true else { break }
            prefix += 1
        }
        return prefix
    }
}
