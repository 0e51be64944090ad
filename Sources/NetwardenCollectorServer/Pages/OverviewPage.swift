import NetwardenCollectorCore
import NetwardenWire

/// The trust overview: every school on one screen, worst first.
enum OverviewPage {
    static let refreshSeconds = 30

    static func render(
        sites: [SiteSummary],
        now: Int64,
        user: String,
        csrfToken: String?,
        alerting: String = ""
    ) -> String {
        let offline = sites.count { !$0.online }
        var body = "<h1>Schools</h1>"
        body += "<p class=\"summary\">\(sites.count) gateway\(sites.count == 1 ? "" : "s"), "
        body += "<span class=\"status \(offline == 0 ? "online" : "offline")\">\(offline) offline</span>"
        body +=
            " <span class=\"muted\">· updated \(HTML.escape(TimeText.utc(milliseconds: now))), refreshes every \(refreshSeconds) s</span></p>"
        if sites.isEmpty {
            body +=
                "<p>No gateway has sent data yet. Add an agent with <code>netwarden-collector agent add NAME</code> "
            body += "and put its token in the gateway's <code>[[outputs.collector]] token_file</code>.</p>"
        } else {
            body += """
                <table id="sites"><thead><tr><th>Trust</th><th>School</th><th>Gateway</th><th>Status</th>\
                <th>Last seen</th><th>Probes OK</th><th>Failing probes</th><th>Events 24 h</th>\
                <th>Filter leaks 24 h</th><th>Bypass 24 h</th></tr></thead><tbody>
                """
            for site in sites { body += row(site, now: now) }
            body += "</tbody></table>"
        }
        // Open alerts per school and the silences in force (OverviewAlertsSection).
        body += alerting
        return HTML.page(title: "Schools", refreshSeconds: refreshSeconds, user: user, csrfToken: csrfToken, body: body)
    }

    static func row(_ site: SiteSummary, now: Int64) -> String {
        let link = SitePage.path(for: site.identity)
        let status =
            site.online
            ? "<span class=\"status online\">online</span>" : "<span class=\"status offline\">offline</span>"
        let probes: String
        if let ratio = site.probeSuccessRatio {
            let ok = site.probes.count { $0.success == 1 }
            let known = site.probes.count { $0.success != nil }
            probes =
                "<span class=\"status \(ratio >= 1 ? "online" : ratio > 0 ? "warn" : "offline")\">\(ok)/\(known)</span>"
        } else {
            probes = "<span class=\"muted\">none</span>"
        }
        let failing = site.probes.filter { $0.success == 0 }.map { HTML.escape($0.probe) }.joined(separator: ", ")
        let leaks = site.filterLeaksLast24h
        let bypass = site.bypassLast24h
        return """
            <tr class="site"><td>\(HTML.escape(site.identity.trust))</td>\
            <td><a href="\(link)">\(HTML.escape(site.identity.site))</a></td>\
            <td>\(HTML.escape(site.identity.gateway))</td><td>\(status)</td>\
            <td title="\(HTML.escape(TimeText.utc(milliseconds: site.lastSeenMilliseconds)))">\
            \(TimeText.ago(milliseconds: site.lastSeenMilliseconds, now: now))</td>\
            <td>\(probes)</td><td>\(failing.isEmpty ? "<span class=\"muted\">–</span>" : failing)</td>\
            <td>\(site.eventsLast24h)</td>\
            <td>\(leaks == 0 ? "0" : "<span class=\"status offline\">\(leaks)</span>")</td>\
            <td>\(bypass == 0 ? "0" : "<span class=\"status offline\">\(bypass)</span>")</td></tr>
            """
    }
}
