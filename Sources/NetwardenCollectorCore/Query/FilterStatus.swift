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
