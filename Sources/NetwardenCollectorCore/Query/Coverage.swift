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
        self.gateways = gateways.sorted { $0.description < $1.description }
        self.cells = cells
        var lines: [Line] = []
        let trusts = Set(gateways.map(\.trust)).sorted()
        for trust in trusts {
            let trustGateways = gateways.filter { $0.trust == trust }
            let schools = Set(trustGateways.map(\.site)).sorted()
            let trustCells = cells.filter { $0.identity.trust == trust }
            for category in Set(trustCells.map(\.category)).sorted() {
                let categoryCells = trustCells.filter { $0.category == category }
                var line = Line(
                    trust: trust,
                    category: category,
                    expectation: Set(categoryCells.flatMap(\.expectations)).sorted().joined(separator: "/"),
                    passing: [],
                    differing: []
                )
                for school in schools {
                    let schoolCells = categoryCells.filter { $0.identity.site == school }
                    let reason: String?
                    if schoolCells.isEmpty || schoolCells.contains(where: { $0.isStale(now: now) }) {
                        reason = "untested"
                    } else if schoolCells.contains(where: { $0.latest == .fail }) {
                        reason = "fail"
                    } else if schoolCells.contains(where: { $0.latest == .inconclusive }) {
                        reason = "inconclusive"
                    } else {
                        reason = nil
                    }
                    // A school with a gateway that never reported this category (a gateway
                    // without filter tests) differs too: the gateway's traffic went unchecked.
                    let gatewaysTested = Set(schoolCells.map(\.identity.gateway))
                    let gatewaysKnown = Set(trustGateways.filter { $0.site == school }.map(\.gateway))
                    if let reason {
                        line.differing.append((school, reason))
                    } else if !gatewaysKnown.isSubset(of: gatewaysTested) {
                        line.differing.append((school, "untested"))
                    } else {
                        line.passing.append(school)
                    }
                }
                lines.append(line)
            }
        }
        self.lines = lines
    }
}
