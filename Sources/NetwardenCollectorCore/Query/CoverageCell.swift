import NetwardenWire

/// One cell of the coverage grid: a gateway's checks of one category from one vantage.
public struct CoverageCell: Sendable, Equatable {
    public var identity: WireIdentity
    public var vantage: String
    public var category: String
    /// The worst result among the checks of the cell's latest run (canaries rotate between
    /// runs, so an older run's failure of a canary not in the latest run is history, not now).
    public var latest: FilterVerdict
    public var lastRunMilliseconds: Int64
    /// The newest pass or fail of any check in the cell; nil if every run was inconclusive.
    public var lastConclusiveMilliseconds: Int64?
    /// What the checks expect (`blocked`, `allowed`, `enforced`, ...), for the trust-wide lines.
    public var expectations: [String]
    public var checks: Int

    /// Untested means no conclusive result within `window`: an inconclusive run (the filter or
    /// the control was unreachable) proves nothing, which SWGfL's tester counts as a pass.
    public func isStale(now: Int64, window: Int64 = CoverageCell.staleAfterMilliseconds) -> Bool {
        guard let last = lastConclusiveMilliseconds else { return true }
        return now - last > window
    }

    public static let staleAfterMilliseconds: Int64 = 7 * 86_400_000

    /// Folds check states into cells, sorted by vantage then category.
    public static func cells(_ checks: [FilterCheckState]) -> [CoverageCell] {
        struct Key: Hashable {
            var identity: WireIdentity
            var vantage: String
            var category: String
        }
        var groups: [Key: [FilterCheckState]] = [:]
        for check in checks {
            groups[Key(identity: check.identity, vantage: check.vantage, category: check.category), default: []]
                .append(check)
        }
        return groups.values.map { group in
            let newest = group.max { $0.lastMilliseconds < $1.lastMilliseconds }!
            let latestRun = group.filter { $0.run == newest.run }
            return CoverageCell(
                identity: newest.identity,
                vantage: newest.vantage,
                category: newest.category,
                latest: latestRun.map { FilterVerdict(status: $0.status) }.min() ?? .inconclusive,
                lastRunMilliseconds: newest.lastMilliseconds,
                lastConclusiveMilliseconds: group.compactMap(\.lastConclusiveMilliseconds).max(),
                expectations: Array(Set(group.map(\.expect))).sorted(),
                checks: group.count
            )
        }.sorted {
            ($0.identity.trust, $0.identity.site, $0.identity.gateway, $0.vantage, $0.category)
                < ($1.identity.trust, $1.identity.site, $1.identity.gateway, $1.vantage, $1.category)
        }
    }
}
