import NetwardenWire

/// The coverage and drift view: every gateway's cells (vantage x category) and, per trust and
/// category, which schools differ from the rest.
public struct Coverage: Sendable, Equatable {
    /// One trust-wide line, e.g. "safe search enforced at 23 of 24 schools".
    public struct Line: Sendable, Equatable {
        public var trust: String
        public var category: String
        /// What the category's checks expect (`blocked`, `enforced`, ...), joined when mixed.
        public var expectation: String
        /// Schools whose every gateway passed the category at its latest run, tested within
        /// the stale window.
        public var passing: [String]
        /// The others, each with why: `fail`, `inconclusive` or `untested`.
        public var differing: [(site: String, reason: String)]

        public var total: Int { passing.count + differing.count }

        public static func == (lhs: Line, rhs: Line) -> Bool {
            lhs.trust == rhs.trust && lhs.category == rhs.category && lhs.expectation == rhs.expectation
                && lhs.passing == rhs.passing && lhs.differing.map(\.site) == rhs.differing.map(\.site)
                && lhs.differing.map(\.reason) == rhs.differing.map(\.reason)
        }
    }

    /// Every known gateway, whether or not it ever ran a filter test.
    public var gateways: [WireIdentity]
    public var cells: [CoverageCell]
    public var lines: [Line]

    public init(gateways: [WireIdentity], cells: [CoverageCell], now: Int64) {
        self.gateways = gateways.sorted { ($0.trust, $0.site, $0.gateway) < ($1.trust, $1.site, $1.gateway) }
        self.cells = cells
        var lines: [Line] = []
        // Grouped once (trust -> category -> school), so a thousand schools with dozens of
        // cells each cost one pass, not one pass per school and category.
        var schoolsByTrust: [String: [String: Set<String>]] = [:]
        for gateway in gateways {
            schoolsByTrust[gateway.trust, default: [:]][gateway.site, default: []].insert(gateway.gateway)
        }
        var cellsByTrust: [String: [String: [String: [CoverageCell]]]] = [:]
        for cell in cells {
            cellsByTrust[cell.identity.trust, default: [:]][cell.category, default: [:]][
                cell.identity.site,
                default: []
            ]
            .append(cell)
        }
        for trust in schoolsByTrust.keys.sorted() {
            let schools = schoolsByTrust[trust] ?? [:]
            let categories = cellsByTrust[trust] ?? [:]
            for category in categories.keys.sorted() {
                let bySchool = categories[category] ?? [:]
                var line = Line(
                    trust: trust,
                    category: category,
                    expectation: Set(bySchool.values.joined().flatMap(\.expectations)).sorted().joined(separator: "/"),
                    passing: [],
                    differing: []
                )
                for school in schools.keys.sorted() {
                    let schoolCells = bySchool[school] ?? []
                    let reason: String?
                    if schoolCells.isEmpty || schoolCells.contains(where: { $0.isStale(now: now) }) {
                        reason = "untested"
                    } else if schoolCells.contains(where: { $0.latest == .fail }) {
                        reason = "fail"
                    } else if schoolCells.contains(where: { $0.latest == .inconclusive }) {
                        reason = "inconclusive"
                    } else if !(schools[school] ?? []).isSubset(of: Set(schoolCells.map(\.identity.gateway))) {
                        // A gateway of the school that never reported this category (one without
                        // filter tests): its traffic went unchecked.
                        reason = "untested"
                    } else {
                        reason = nil
                    }
                    if let reason { line.differing.append((school, reason)) } else { line.passing.append(school) }
                }
                lines.append(line)
            }
        }
        self.lines = lines
    }
}
