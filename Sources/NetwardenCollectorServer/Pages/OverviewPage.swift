import NetwardenCollectorCore
import NetwardenWire

/// The trust overview: every school on one screen, worst first.
///
/// The table is a list of ``Column``s: a new column is one more entry in `columns`, a new
/// section below the table one more string in `render`'s `sections`.
enum OverviewPage {
    static let refreshSeconds = 30

    /// One column: its header, and its cell for a site (HTML, already escaped).
    struct Column: Sendable {
        var header: String
        var cell: @Sendable (SiteSummary, Int64) -> String
    }

    static let columns: [Column] = [
        Column(header: "School") { site, _ in
            """
            <a href="\(SitePage.path(for: site.identity))">\(HTML.escape(site.identity.site))</a>\
            <br><span class="muted">\(HTML.escape(site.identity.trust)) · \(HTML.escape(site.identity.gateway))</span>
            """
        },
        Column(header: "Reachable") { site, now in
            let status =
                site.online
                ? "<span class=\"status online\">online</span>" : "<span class=\"status offline\">offline</span>"
            return
                "\(status)<br><span class=\"muted\" title=\"\(HTML.escape(TimeText.utc(milliseconds: site.lastSeenMilliseconds)))\">seen \(TimeText.ago(milliseconds: site.lastSeenMilliseconds, now: now))</span>"
        },
        Column(header: "Uplinks") { site, _ in uplinks(site) },
        Column(header: "Loss now / 24 h") { site, _ in
            pair(site.health.lossNow, site.health.loss24h, unit: "%", scale: 100, warn: 0.02, bad: 0.1)
        },
        Column(header: "Latency now / 24 h") { site, _ in
            pair(
                site.health.latencyNowSeconds,
                site.health.latency24hSeconds,
                unit: "ms",
                scale: 1000,
                warn: 0.1,
                bad: 0.3
            )
        },
        Column(header: "DNS") { site, _ in probes(site, kind: "dns") },
        Column(header: "HTTP") { site, _ in probes(site, kind: "http") },
        Column(header: "Other probes") { site, _ in otherProbes(site) },
        Column(header: "Wi-Fi") { site, _ in wifi(site) },
        Column(header: "Filter tests") { site, now in filter(site, now: now) },
        Column(header: "Leaks / bypass 24 h") { site, _ in
            let leaks = site.filterLeaksLast24h
            let bypass = site.bypassLast24h
            func count(_ value: Int) -> String { value == 0 ? "0" : "<span class=\"status offline\">\(value)</span>" }
            return "\(count(leaks)) / \(count(bypass))"
        },
        Column(header: "Events 24 h") { site, _ in "\(site.eventsLast24h)" },
    ]

    /// `sections` (HTML, escaped by their makers) follow the schools table in order: open alerts,
    /// silences, anything else a handler adds to the overview.
    static func render(
        sites: [SiteSummary],
        now: Int64,
        user: String,
        csrfToken: String?,
        sections: [String] = []
    ) -> String {
        let offline = sites.count { !$0.online }
        let failing = sites.count { $0.filter.count(.fail) > 0 || $0.filterLeaksLast24h > 0 }
        var body = "<h1>Schools</h1>"
        body += "<p class=\"summary\">\(sites.count) gateway\(sites.count == 1 ? "" : "s"), "
        body += "<span class=\"status \(offline == 0 ? "online" : "offline")\">\(offline) offline</span> "
        body += "<span class=\"status \(failing == 0 ? "online" : "offline")\">\(failing) with filter failures</span>"
        body +=
            " <span class=\"muted\">· worst first · updated \(HTML.escape(TimeText.utc(milliseconds: now))), refreshes every \(refreshSeconds) s</span>"
        body += " · <a href=\"/coverage\">filter coverage and drift</a></p>"
        if sites.isEmpty {
            body +=
                "<p>No gateway has sent data yet. Add an agent with <code>netwarden-collector agent add NAME</code> "
            body += "and put its token in the gateway's <code>[[outputs.collector]] token_file</code>.</p>"
        } else {
            body += "<table id=\"sites\" class=\"overview\"><thead><tr>"
            body += columns.map { "<th>\(HTML.escape($0.header))</th>" }.joined()
            body += "</tr></thead><tbody>"
            for site in sites {
                body += "<tr class=\"site\">" + columns.map { "<td>\($0.cell(site, now))</td>" }.joined() + "</tr>"
            }
            body += "</tbody></table>"
        }
        body += sections.joined()
        return HTML.page(
            title: "Schools",
            refreshSeconds: refreshSeconds,
            user: user,
            csrfToken: csrfToken,
            body: body,
            styles: stylesheet
        )
    }

    /// Badges and school names keep to one line; the muted detail under them may wrap.
    static let stylesheet = """
        table.overview .status{white-space:nowrap;display:inline-block;margin:.05em 0}
        table.overview td:first-child a{white-space:nowrap}
        table.overview .flag{color:#8a5a00;font-weight:600}
        """

    static func badge(_ text: String, _ state: String) -> String {
        "<span class=\"status \(state)\">\(HTML.escape(text))</span>"
    }

    static let dash = "<span class=\"muted\">–</span>"

    static func verdictBadge(_ verdict: FilterVerdict) -> String {
        switch verdict {
        case .pass: badge("pass", "online")
        case .fail: badge("fail", "offline")
        case .inconclusive: badge("inconclusive", "warn")
        }
    }

    static func uplinks(_ site: SiteSummary) -> String {
        let uplinks = site.health.uplinks
        guard !uplinks.isEmpty else {
            if site.health.defaultRoutePresent == false { return badge("no route", "offline") }
            return dash
        }
        let up = uplinks.count { $0.up }
        let state = up == uplinks.count ? "online" : up == 0 ? "offline" : "warn"
        var html = badge("\(up)/\(uplinks.count) up", state)
        let down = uplinks.filter { !$0.up }.map { HTML.escape($0.interface) }
        if !down.isEmpty { html += "<br><span class=\"muted\">down: \(down.joined(separator: ", "))</span>" }
        if site.health.defaultRoutePresent == false { html += "<br>" + badge("no default route", "offline") }
        return html
    }

    /// "now / 24 h", the current value coloured against the thresholds.
    static func pair(_ now: Double?, _ day: Double?, unit: String, scale: Double, warn: Double, bad: Double) -> String {
        guard now != nil || day != nil else { return dash }
        func text(_ value: Double?) -> String {
            guard let value else { return "–" }
            let scaled = value * scale
            return (scaled >= 10 ? String(Int(scaled.rounded())) : SVGChart.format((scaled * 10).rounded() / 10)) + " "
                + unit
        }
        let current = now.map { value in
            badge(text(value), value >= bad ? "offline" : value >= warn ? "warn" : "online")
        }
        return (current ?? dash) + " <span class=\"muted\">/ \(text(day))</span>"
    }

    static func probes(_ site: SiteSummary, kind: String) -> String {
        let day = site.health.success24h[kind].map {
            " <span class=\"muted\">/ \(Int(($0 * 100).rounded()))% 24 h</span>"
        }
        return probeCell(site.probes.filter { $0.kind == kind }, day: day)
    }

    static func otherProbes(_ site: SiteSummary) -> String {
        probeCell(site.probes.filter { $0.kind != "dns" && $0.kind != "http" }, day: nil)
    }

    /// "2/3 ok", the 24-hour success after it when known, and the failing probes by name.
    static func probeCell(_ probes: [SiteSummary.ProbeStatus], day: String?) -> String {
        guard !probes.isEmpty else { return dash + (day ?? "") }
        let ok = probes.count { $0.success == 1 }
        let known = probes.count { $0.success != nil }
        var html = badge("\(ok)/\(known) ok", ok == known ? "online" : ok == 0 ? "offline" : "warn")
        html += day ?? ""
        let failing = probes.filter { $0.success == 0 }.map { HTML.escape($0.probe) }
        if !failing.isEmpty { html += "<br><span class=\"muted\">failing: \(failing.joined(separator: ", "))</span>" }
        return html
    }

    static func wifi(_ site: SiteSummary) -> String {
        guard let wifi = site.health.wifi else { return dash }
        var parts: [String] = []
        if let signal = wifi.weakestSignalDBm {
            let state = wifi.verdict == "good" ? "online" : wifi.verdict == "fair" ? "warn" : "offline"
            parts.append(badge("\(Int(signal.rounded())) dBm \(wifi.verdict)", state))
        }
        if let stations = wifi.stations { parts.append("\(stations) client\(stations == 1 ? "" : "s")") }
        return parts.isEmpty ? dash : parts.joined(separator: "<br>")
    }

    static func filter(_ site: SiteSummary, now: Int64) -> String {
        let filter = site.filter
        guard let lastRun = filter.lastRunMilliseconds else { return "<span class=\"muted\">never tested</span>" }
        var lines: [String] = []
        let failing = filter.names(.fail)
        let unsure = filter.names(.inconclusive)
        let passing = filter.count(.pass)
        if !failing.isEmpty {
            lines.append(badge("fail", "offline") + " " + failing.map(HTML.escape).joined(separator: ", "))
        }
        if !unsure.isEmpty {
            lines.append(badge("inconclusive", "warn") + " " + unsure.map(HTML.escape).joined(separator: ", "))
        }
        if passing > 0 {
            lines.append(
                badge("\(passing) pass", "online") + (failing.isEmpty && unsure.isEmpty ? " (all categories)" : "")
            )
        }
        // Not proven for a week: the same rule as the coverage grid's flagged cells.
        let stale = filter.categories.filter { category in
            category.lastConclusiveMilliseconds.map { now - $0 > CoverageCell.staleAfterMilliseconds } ?? true
        }.map(\.category)
        if !stale.isEmpty {
            lines.append(
                "<a class=\"flag\" href=\"/coverage?trust=\(HTML.queryComponent(site.identity.trust))&amp;site=\(HTML.queryComponent(site.identity.site))\">⚠ untested 7 d</a> "
                    + stale.map(HTML.escape).joined(separator: ", ")
            )
        }
        lines.append("<span class=\"muted\">run \(TimeText.ago(milliseconds: lastRun, now: now))</span>")
        return lines.joined(separator: "<br>")
    }
}
