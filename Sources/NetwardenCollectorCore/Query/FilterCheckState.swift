import NetwardenWire

/// The latest state of one filter check at one gateway (a `filter_checks` row).
public struct FilterCheckState: Sendable, Equatable {
    public var identity: WireIdentity
    public var vantage: String
    public var category: String
    public var kind: String
    public var check: String
    public var expect: String
    public var run: String
    public var status: String
    public var lastMilliseconds: Int64
    public var lastConclusiveMilliseconds: Int64?
    public var lastConclusiveStatus: String?

    public init(
        identity: WireIdentity,
        vantage: String,
        category: String,
        kind: String,
        check: String,
        expect: String,
        run: String,
        status: String,
        lastMilliseconds: Int64,
        lastConclusiveMilliseconds: Int64?,
        lastConclusiveStatus: String?
    ) {
        self.identity = identity
        self.vantage = vantage
        self.category = category
        self.kind = kind
        self.check = check
        self.expect = expect
        self.run = run
        self.status = status
        self.lastMilliseconds = lastMilliseconds
        self.lastConclusiveMilliseconds = lastConclusiveMilliseconds
        self.lastConclusiveStatus = lastConclusiveStatus
    }
}

/// A check status ordered by how much it needs attention: a fail before an inconclusive before
/// a pass, and an unknown word (a newer agent's) treated as inconclusive, never as a pass.
public enum FilterVerdict: String, Sendable, Comparable, CaseIterable {
    case fail, inconclusive, pass

    public init(status: String) { self = FilterVerdict(rawValue: status) ?? .inconclusive }

    var rank: Int {
        switch self {
        case .fail: 0
        case .inconclusive: 1
        case .pass: 2
        }
    }

    public static func < (lhs: FilterVerdict, rhs: FilterVerdict) -> Bool { lhs.rank < rhs.rank }
}

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

/// A gateway's filter status per category for the overview: the worst latest result across
/// its vantages.
public struct FilterStatus: Sendable, Equatable {
    public struct Category: Sendable, Equatable {
        public var category: String
        public var latest: FilterVerdict
        public var lastRunMilliseconds: Int64
        public var lastConclusiveMilliseconds: Int64?
    }

    public var categories: [Category]

    public init(cells: [CoverageCell]) {
        var byCategory: [String: Category] = [:]
        for cell in cells {
            guard var current = byCategory[cell.category] else {
                byCategory[cell.category] = Category(
                    category: cell.category,
                    latest: cell.latest,
                    lastRunMilliseconds: cell.lastRunMilliseconds,
                    lastConclusiveMilliseconds: cell.lastConclusiveMilliseconds
                )
                continue
            }
            current.latest = min(current.latest, cell.latest)
            current.lastRunMilliseconds = max(current.lastRunMilliseconds, cell.lastRunMilliseconds)
            // The category is only as recently proven as its least recently proven vantage.
            current.lastConclusiveMilliseconds =
                switch (current.lastConclusiveMilliseconds, cell.lastConclusiveMilliseconds) {
                case (let a?, let b?): min(a, b)
                default: nil
                }
            byCategory[cell.category] = current
        }
        categories = byCategory.values.sorted { $0.category < $1.category }
    }

    public var lastRunMilliseconds: Int64? { categories.map(\.lastRunMilliseconds).max() }
    public func count(_ verdict: FilterVerdict) -> Int { categories.count { $0.latest == verdict } }
    public func names(_ verdict: FilterVerdict) -> [String] {
        categories.filter { $0.latest == verdict }.map(\.category)
    }
}
