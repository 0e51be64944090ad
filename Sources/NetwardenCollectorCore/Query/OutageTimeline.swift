/// A school's outages over a chart's time buckets, each with its cause, so the page never shows
/// a gap of unknown cause:
/// - `late`: the gateway kept measuring but its data reached us only later, from its spool (the
///   school's link, or the path to us, was down; the overview showed it offline meanwhile);
/// - `noData`: nothing from that period ever reached us (the gateway or netwarden was down, or a
///   backlog is still to come).
public struct OutageTimeline: Sendable, Equatable {
    public enum Mark: String, Sendable {
        case none
        case late
        case noData = "no_data"
    }

    /// One outage: consecutive buckets of one cause.
    public struct Outage: Sendable, Equatable {
        public var cause: Mark
        public var fromMilliseconds: Int64
        public var toMilliseconds: Int64
        /// For a late outage: when its backlog arrived (the latest batch of it).
        public var deliveredMilliseconds: Int64?
    }

    public var start: Int64
    public var width: Int64
    public var marks: [Mark]
    public var outages: [Outage]

    /// `present` holds the buckets with any data; buckets before `firstBucket` (before the
    /// gateway's first data) are not outages, nor is the current bucket while it is younger than
    /// the offline threshold.
    public init(
        start: Int64,
        width: Int64,
        buckets: Int,
        firstBucket: Int,
        present: Set<Int>,
        late: [LateDelivery],
        now: Int64
    ) {
        self.start = start
        self.width = width
        var marks = [Mark](repeating: .none, count: buckets)
        var delivered = [Int64?](repeating: nil, count: buckets)
        for index in 0..<buckets {
            let bucketStart = start + Int64(index) * width
            guard index >= firstBucket, bucketStart + SiteQueries.offlineAfterMilliseconds <= now else { continue }
            if !present.contains(index) { marks[index] = .noData }
        }
        for delivery in late {
            let first = max(0, Int((delivery.fromMilliseconds - start) / width))
            let last = min(buckets - 1, Int((delivery.toMilliseconds - start) / width))
            guard first <= last else { continue }
            for index in first...last where marks[index] == .none {
                marks[index] = .late
                delivered[index] = max(delivered[index] ?? 0, delivery.receivedMilliseconds)
            }
        }
        var outages: [Outage] = []
        for (index, mark) in marks.enumerated() where mark != .none {
            let bucketStart = start + Int64(index) * width
            let bucketEnd = min(bucketStart + width, now)
            if var last = outages.last, last.cause == mark, last.toMilliseconds == bucketStart {
                last.toMilliseconds = bucketEnd
                if let time = delivered[index] {
                    last.deliveredMilliseconds = max(last.deliveredMilliseconds ?? 0, time)
                }
                outages[outages.count - 1] = last
            } else {
                outages.append(
                    Outage(
                        cause: mark,
                        fromMilliseconds: bucketStart,
                        toMilliseconds: bucketEnd,
                        deliveredMilliseconds: delivered[index]
                    )
                )
            }
        }
        self.marks = marks
        self.outages = outages
    }
}
