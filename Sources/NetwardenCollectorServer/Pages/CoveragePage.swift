import NetwardenCollectorCore
import NetwardenWire

/// Coverage and drift: per trust, lines such as "safe_search enforced at 23 of 24 schools" each
/// linking to the schools that differ, then the grid of school x vantage x category with the
/// date of the last conclusive test, cells without one for seven days flagged.
enum CoveragePage {
    static let refreshSeconds = 60

    /// Which part of the grid to show: `/coverage?trust=T&category=C` narrows it to the schools
    /// of T that differ on C (the link behind each line).
    struct Focus: Equatable {
        var trust: String?
        var category: String?
        var site: String?

        var isEmpty: Bool { trust == nil && category == nil && site == nil }

        static func path(trust: String, category: String) -> String {
            "/coverage?trust=\(HTML.queryComponent(trust))&amp;category=\(HTML.queryComponent(category))"
        }
    }

    static func render(coverage: Coverage, focus: Focus, now: Int64, user: String, csrfToken: String?) -> String {
        var body = "<p><a href=\"/\">← all schools</a></p><h1>Filter coverage and drift</h1>"
        body += "<p class=\"muted\">A school passes a category when every gateway and vantage passed it at its latest "
        body += "run and has a conclusive result (pass or fail) from the last 7 days; inconclusive runs prove nothing. "
        body += "Updated \(HTML.escape(TimeText.utc(milliseconds: now))).</p>"
        if coverage.lines.isEmpty {
            body += "<p id=\"no-tests\">No gateway has reported a filter test yet. Turn on <code>[filter_tests]</code> "
            body += "in the gateways' <code>netwarden.toml</code>.</p>"
        }
        for trust in Set(coverage.lines.map(\.trust)).sorted() {
            body += "<h2>\(HTML.escape(trust))</h2><ul class=\"lines\">"
            for line in coverage.lines where line.trust == trust {
                body += "<li class=\"line\">" + lineHTML(line) + "</li>"
            }
            body += "</ul>"
        }
        if !coverage.gateways.isEmpty {
            body +=
                "<p class=\"muted\">Grids: each cell gives the date of the last conclusive test and the latest run's "
            body += "result; <span class=\"cell-stale-key\">flagged</span> when nothing conclusive came in 7 days.</p>"
        }
        body += grids(coverage: coverage, focus: focus, now: now)
        return HTML.page(
            title: "Filter coverage",
            refreshSeconds: refreshSeconds,
            user: user,
            csrfToken: csrfToken,
            body: body,
            styles: stylesheet
        )
    }

    /// "Safe search enforced at 23 of 24 schools; differs: elm (fail)", the count a link to the
    /// grid narrowed to the schools that differ, each of those a link to its page.
    static func lineHTML(_ line: Coverage.Line) -> String {
        let state =
            line.differing.isEmpty ? "online" : line.differing.contains { $0.reason == "fail" } ? "offline" : "warn"
        var html = "<span class=\"status \(state)\">\(line.passing.count)/\(line.total)</span> "
        html += "<strong>\(HTML.escape(phrase(category: line.category, expectation: line.expectation)))</strong>"
        html += " " + HTML.escape(tally(line))
        guard !line.differing.isEmpty else { return html }
        html += "; <a href=\"\(Focus.path(trust: line.trust, category: line.category))\">"
        html += "\(line.differing.count) differ\(line.differing.count == 1 ? "s" : "")</a>: "
        html += line.differing.map { school in
            "<a href=\"/coverage?trust=\(HTML.queryComponent(line.trust))&amp;site=\(HTML.queryComponent(school.site))\">\(HTML.escape(school.site))</a> (\(HTML.escape(school.reason)))"
        }.joined(separator: ", ")
        return html
    }

    /// "at 23 of 24 schools".
    static func tally(_ line: Coverage.Line) -> String {
        "at \(line.passing.count) of \(line.total) school\(line.total == 1 ? "" : "s")"
    }

    /// The whole line as text, for the JSON.
    static func sentence(_ line: Coverage.Line) -> String {
        phrase(category: line.category, expectation: line.expectation) + " " + tally(line)
    }

    /// The words for a category and what its checks expect.
    static func phrase(category: String, expectation: String) -> String {
        switch (category, expectation) {
        case ("safe_search", _): "Safe search enforced"
        case ("bypass", _): "Bypass routes (VPN, proxy, DoH, DoT) unreachable"
        case ("tls", "absent"): "No unexpected TLS interception"
        case ("tls", _): "TLS interception as configured"
        case (_, "blocked"): "\(capitalised(category)) blocked"
        case (_, "allowed"): "\(capitalised(category)) allowed (no over-blocking)"
        default: "\(capitalised(category)) as expected (\(expectation))"
        }
    }

    static func capitalised(_ category: String) -> String {
        category.prefix(1).uppercased() + String(category.dropFirst().map { $0 == "_" ? " " : $0 })
    }

    /// One grid per trust (each with its own categories), or the focused part of one.
    static func grids(coverage: Coverage, focus: Focus, now: Int64) -> String {
        guard focus.trust == nil else { return grid(coverage: coverage, focus: focus, now: now) }
        var html = ""
        for trust in Set(coverage.gateways.map(\.trust)).sorted() {
            var trustFocus = focus
            trustFocus.trust = trust
            html += grid(coverage: coverage, focus: trustFocus, now: now, showAllLink: !focus.isEmpty)
        }
        return html
    }

    static func grid(coverage: Coverage, focus: Focus, now: Int64, showAllLink: Bool = true) -> String {
        var gateways = coverage.gateways
        var cells = coverage.cells
        var heading = "All schools"
        if let trust = focus.trust {
            heading = "\(trust): every school"
            gateways = gateways.filter { $0.trust == trust }
            cells = cells.filter { $0.identity.trust == trust }
        }
        if let site = focus.site {
            gateways = gateways.filter { $0.site == site }
            heading += " · \(site)"
        }
        if let category = focus.category, let trust = focus.trust,
            let line = coverage.lines.first(where: { $0.trust == trust && $0.category == category })
        {
            let differing = Set(line.differing.map(\.site))
            gateways = gateways.filter { differing.contains($0.site) }
            heading = "\(trust): schools that differ on \(phrase(category: category, expectation: line.expectation))"
        }
        var html = "<h2 class=\"grid-heading\">\(HTML.escape(heading))</h2>"
        if showAllLink && !focus.isEmpty { html += "<p><a href=\"/coverage\">show every school</a></p>" }
        let categories = Set(cells.map(\.category)).sorted()
        guard !gateways.isEmpty else { return html + "<p class=\"muted\">No schools to show.</p>" }
        html += "<table id=\"coverage\" class=\"coverage\"><thead><tr><th>School</th><th>Vantage</th>"
        html += categories.map { "<th>\(HTML.escape($0))</th>" }.joined() + "</tr></thead><tbody>"
        let byGateway = Dictionary(grouping: cells) { $0.identity }
        for gateway in gateways {
            let gatewayCells = byGateway[gateway] ?? []
            let vantages = Set(gatewayCells.map(\.vantage)).sorted()
            let school =
                "<a href=\"\(SitePage.path(for: gateway))\">\(HTML.escape(gateway.site))</a><br><span class=\"muted\">\(HTML.escape(gateway.trust)) · \(HTML.escape(gateway.gateway))</span>"
            if vantages.isEmpty {
                html += "<tr class=\"coverage-row\"><td>\(school)</td><td class=\"muted\">–</td>"
                html += categories.map { _ in "<td class=\"cell stale\">never tested</td>" }.joined() + "</tr>"
                continue
            }
            for vantage in vantages {
                html += "<tr class=\"coverage-row\"><td>\(school)</td><td>\(HTML.escape(vantage))</td>"
                for category in categories {
                    guard let cell = gatewayCells.first(where: { $0.vantage == vantage && $0.category == category })
                    else {
                        html += "<td class=\"cell stale\">never tested</td>"
                        continue
                    }
                    let stale = cell.isStale(now: now)
                    html += "<td class=\"cell\(stale ? " stale" : "") \(cell.latest.rawValue)\">"
                    html += lastConclusive(cell, now: now) + "<br>" + OverviewPage.verdictBadge(cell.latest) + "</td>"
                }
                html += "</tr>"
            }
        }
        return html + "</tbody></table>"
    }

    /// The date of a cell's last conclusive test, flagged when older than 7 days or missing.
    static func lastConclusive(_ cell: CoverageCell, now: Int64) -> String {
        guard let last = cell.lastConclusiveMilliseconds else {
            return "<span class=\"flag\" title=\"no pass or fail yet\">⚠ never conclusive</span>"
        }
        let date = HTML.escape(TimeText.date(milliseconds: last))
        if cell.isStale(now: now) {
            return "<span class=\"flag\" title=\"untested for more than 7 days\">⚠ \(date)</span>"
        }
        return "<span title=\"\(HTML.escape(TimeText.utc(milliseconds: last)))\">\(date)</span>"
    }

    static let stylesheet = """
        ul.lines{background:#fff;border:1px solid #e1e4e8;padding:.6em 1.6em;margin:.4em 0 1em}
        ul.lines li{margin:.3em 0}
        table.coverage td.cell{white-space:nowrap;text-align:center}
        table.coverage td.cell.stale{background:#fff3bf}
        table.coverage td.cell.fail{background:#ffe3e3}
        .flag{color:#8a5a00;font-weight:600}
        .cell-stale-key{background:#fff3bf;padding:0 .3em}
        """
}
