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
    /// Events in 24 hours other than `filter_compliance` evidence records.
    public var eventsLast24h: Int
    public var filterLeaksLast24h: Int
    public var bypassLast24h: Int
    /// Uplinks, loss, latency and Wi-Fi.
    public var health = SiteHealth()
    /// The latest filter-test result per category.
    public var filter = FilterStatus(cells: [])

    /// Successful probes over probes with a result; nil with no probe results.
    public var probeSuccessRatio: Double? {
        let known = probes.compactMap(\.success)
        guard !known.isEmpty else { return nil }
        return known.reduce(0, +) / Double(known.count)
    }

    /// Sort key, worst first: offline before online (longest silent first), then uplinks down,
    /// then the lowest probe success, then filter trouble (failing categories, leaks, bypasses),
    /// then the highest loss now.
    static func worseFirst(_ lhs: SiteSummary, _ rhs: SiteSummary) -> Bool {
        if lhs.online != rhs.online { return !lhs.online }
        if !lhs.online && lhs.lastSeenMilliseconds != rhs.lastSeenMilliseconds {
            return lhs.lastSeenMilliseconds < rhs.lastSeenMilliseconds
        }
        if lhs.health.uplinksDown != rhs.health.uplinksDown { return lhs.health.uplinksDown > rhs.health.uplinksDown }
        let left = lhs.probeSuccessRatio ?? 1
        let right = rhs.probeSuccessRatio ?? 1
        if left != right { return left < right }
        if lhs.filterTrouble != rhs.filterTrouble { return lhs.filterTrouble > rhs.filterTrouble }
        let leftLoss = lhs.health.lossNow ?? 0
        let rightLoss = rhs.health.lossNow ?? 0
        if leftLoss != rightLoss { return leftLoss > rightLoss }
        return (lhs.identity.trust, lhs.identity.site, lhs.identity.gateway)
            < (rhs.identity.trust, rhs.identity.site, rhs.identity.gateway)
    }

    /// Failing filter categories, leaks and bypasses in 24 hours: each is a safeguarding finding.
    var filterTrouble: Int { filter.count(.fail) + filterLeaksLast24h + bypassLast24h }
}
