import NetwardenWire

/// One school gateway as the overview and `GET /api/v1/sites` show it.
public struct SiteSummary: Sendable, Equatable {
    /// A probe's latest result.
    public struct ProbeStatus: Sendable, Equatable {
        public var probe: String
        public var kind: String
        public var target: String
        /// 1 success, 0 failure, nil when the agent could not compute it.
        public var success: Double?
        public var timestampMilliseconds: Int64
    }

    public var identity: WireIdentity
    public var agent: String?
    public var firstSeenMilliseconds: Int64
    /// Newest data timestamp (observation time, so a late backlog does not look current).
    public var lastSeenMilliseconds: Int64
    /// When the collector last received a batch from it.
    public var lastContactMilliseconds: Int64
    public var online: Bool
    public var probes: [ProbeStatus]
    public var eventsLast24h: Int
    public var filterLeaksLast24h: Int
    public var bypassLast24h: Int

    /// Successful probes over probes with a result; nil with no probe results.
    public var probeSuccessRatio: Double? {
        let known = probes.compactMap(\.success)
        guard !known.isEmpty else { return nil }
        return known.reduce(0, +) / Double(known.count)
    }

    /// Sort key, worst first: offline before online (longest silent first), then the lowest
    /// probe success, then the most filter leaks and bypasses.
    static func worseFirst(_ lhs: SiteSummary, _ rhs: SiteSummary) -> Bool {
        if lhs.online != rhs.online { return !lhs.online }
        if !lhs.online && lhs.lastSeenMilliseconds != rhs.lastSeenMilliseconds {
            return lhs.lastSeenMilliseconds < rhs.lastSeenMilliseconds
        }
        let left = lhs.probeSuccessRatio ?? 1
        let right = rhs.probeSuccessRatio ?? 1
        if left != right { return left < right }
        let leftLeaks = lhs.filterLeaksLast24h + lhs.bypassLast24h
        let rightLeaks = rhs.filterLeaksLast24h + rhs.bypassLast24h
        if leftLeaks != rightLeaks { return leftLeaks > rightLeaks }
        return lhs.identity.description < rhs.identity.description
    }
}
