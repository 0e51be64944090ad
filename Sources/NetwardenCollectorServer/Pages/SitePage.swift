import NetwardenCollectorCore
import NetwardenWire

/// One school gateway: its status, probes, latest values and recent events.
enum SitePage {
    static let refreshSeconds = 30

    /// `/site?trust=...&site=...&gateway=...`: query parameters, so any identity text (spaces,
    /// slashes) round-trips without path-segment escaping rules.
    static func path(for identity: WireIdentity) -> String {
        "/site?trust=\(HTML.queryComponent(identity.trust))&amp;site=\(HTML.queryComponent(identity.site))"
            + "&amp;gateway=\(HTML.queryComponent(identity.gateway))"
    }

    static func render(
        site: SiteSummary,
        events: [StoredEvent],
        compliance: [StoredEvent],
        cells: [CoverageCell],
        samples: [StoredSample],
        charts: String,
        now: Int64,
        user: String,
        csrfToken: String?
    ) -> String {
        let identity = site.identity
        var body = "<p><a href=\"/\">← all schools</a></p>"
        body +=
            "<h1>\(HTML.escape(identity.site)) <span class=\"muted\">(\(HTML.escape(identity.trust)) · gateway \(HTML.escape(identity.gateway)))</span></h1>"
        body += "<p class=\"summary\">"
        body +=
            site.online
            ? "<span class=\"status online\">online</span>" : "<span class=\"status offline\">offline</span>"
        body += " last seen \(TimeText.ago(milliseconds: site.lastSeenMilliseconds, now: now))"
        body += " <span class=\"muted\">(\(HTML.escape(TimeText.utc(milliseconds: site.lastSeenMilliseconds))); "
        body +=
            "agent \(HTML.escape(site.agent ?? "?")); first seen \(HTML.escape(TimeText.utc(milliseconds: site.firstSeenMilliseconds))))</span></p>"

        // The overview's row for this school (without the school column): the same words and
        // colours on both pages.
        let columns = OverviewPage.columns.dropFirst()
        body += "<table id=\"health\" class=\"overview\"><thead><tr>"
        body += columns.map { "<th>\(HTML.escape($0.header))</th>" }.joined() + "</tr></thead><tbody><tr>"
        body += columns.map { "<td>\($0.cell(site, now))</td>" }.joined() + "</tr></tbody></table>"
        body += charts
        body +=
            "<p><a href=\"\(EvidencePage.path(for: identity))\">Filter compliance evidence (hash-chain verified, CSV)</a></p>"
        body += "<h2>Probes</h2>"
        if site.probes.isEmpty {
            body += "<p class=\"muted\">No probe results in the last 15 minutes.</p>"
        } else {
            body +=
                "<table id=\"probes\"><thead><tr><th>Probe</th><th>Kind</th><th>Target</th><th>Result</th><th>When</th></tr></thead><tbody>"
            for probe in site.probes {
                let result =
                    switch probe.success {
                    case 1?: "<span class=\"status online\">success</span>"
                    case 0?: "<span class=\"status offline\">failed</span>"
                    default: "<span class=\"muted\">unknown</span>"
                    }
                body +=
                    "<tr><td>\(HTML.escape(probe.probe))</td><td>\(HTML.escape(probe.kind))</td><td>\(HTML.escape(probe.target))</td>"
                body +=
                    "<td>\(result)</td><td>\(TimeText.ago(milliseconds: probe.timestampMilliseconds, now: now))</td></tr>"
            }
            body += "</tbody></table>"
        }

        body += filterSection(cells: cells, compliance: compliance, now: now)
        body += "<h2>Recent events</h2>"
        if events.isEmpty {
            body += "<p class=\"muted\">No events.</p>"
        } else {
            body +=
                "<table id=\"events\"><thead><tr><th>When (UTC)</th><th>Kind</th><th>Severity</th><th>Subject</th><th>Evidence</th><th>Details</th></tr></thead><tbody>"
            for event in events {
                let details = event.attributes.map { "\(HTML.escape($0.name))=\(HTML.escape($0.value))" }.joined(
                    separator: " "
                )
                body +=
                    "<tr class=\"event\"><td>\(HTML.escape(TimeText.utc(milliseconds: event.timestampMilliseconds)))</td>"
                body +=
                    "<td>\(HTML.escape(event.kind))</td><td class=\"sev-\(HTML.escape(event.severity))\">\(HTML.escape(event.severity))</td>"
                body +=
                    "<td>\(HTML.escape(event.subject))</td><td>\(HTML.escape(event.evidence))</td><td class=\"muted\">\(details)</td></tr>"
            }
            body += "</tbody></table>"
        }

        body += "<h2>Latest values (15 min)</h2>"
        if samples.isEmpty {
            body += "<p class=\"muted\">No samples in the last 15 minutes.</p>"
        } else {
            body += "<table id=\"samples\"><thead><tr><th>Series</th><th>Value</th><th>When</th></tr></thead><tbody>"
            for sample in samples {
                let value = sample.value.map { "\($0)" } ?? "NaN"
                body += "<tr><td><code>\(HTML.escape(sample.seriesText))</code></td><td>\(value)</td>"
                body += "<td>\(TimeText.ago(milliseconds: sample.timestampMilliseconds, now: now))</td></tr>"
            }
            body += "</tbody></table>"
        }
        return HTML.page(
            title: identity.site,
            refreshSeconds: refreshSeconds,
            user: user,
            csrfToken: csrfToken,
            body: body,
            // The health row is the overview's row: the same badges and flags.
            styles: OverviewPage.stylesheet
        )
    }
}

extension SitePage {
    /// Filter tests: the state per vantage and category, then the compliance log (each check
    /// run as the gateway recorded it, with its hash-chain link).
    static func filterSection(cells: [CoverageCell], compliance: [StoredEvent], now: Int64) -> String {
        var html = "<h2>Filter tests</h2>"
        if cells.isEmpty {
            html += "<p class=\"muted\">This gateway has not reported any filter test.</p>"
        } else {
            html +=
                "<table id=\"filter-state\"><thead><tr><th>Vantage</th><th>Category</th><th>Latest run</th><th>When</th><th>Last conclusive</th></tr></thead><tbody>"
            for cell in cells {
                html += "<tr><td>\(HTML.escape(cell.vantage))</td><td>\(HTML.escape(cell.category))</td>"
                html += "<td>\(OverviewPage.verdictBadge(cell.latest))</td>"
                html += "<td>\(TimeText.ago(milliseconds: cell.lastRunMilliseconds, now: now))</td>"
                html += "<td>\(CoveragePage.lastConclusive(cell, now: now))</td></tr>"
            }
            html += "</tbody></table>"
        }
        html += "<h2>Filter compliance log</h2>"
        if compliance.isEmpty {
            html += "<p class=\"muted\">No filter compliance records.</p>"
            return html
        }
        html +=
            "<p class=\"muted\">\(compliance.count == 1 ? "The only record" : "The newest \(compliance.count) records"); each carries the hash that chains it to the "
        html += "gateway's local log (<code>netwarden filter-test --verify-log</code>).</p>"
        html += """
            <table id="compliance"><thead><tr><th>When (UTC)</th><th>Vantage</th><th>Category</th><th>Check</th>\
            <th>Expect</th><th>Result</th><th>Blocked by</th><th>Evidence</th><th>Hash</th></tr></thead><tbody>
            """
        for record in compliance {
            func attribute(_ name: String) -> String { record.attributes.first { $0.name == name }?.value ?? "" }
            html +=
                "<tr class=\"compliance\"><td>\(HTML.escape(TimeText.utc(milliseconds: record.timestampMilliseconds)))</td>"
            html += "<td>\(HTML.escape(attribute("vantage")))</td><td>\(HTML.escape(attribute("category")))</td>"
            html +=
                "<td>\(HTML.escape(attribute("check")))<br><span class=\"muted\">\(HTML.escape(attribute("target")))</span></td>"
            html += "<td>\(HTML.escape(attribute("expect")))</td>"
            html += "<td>\(OverviewPage.verdictBadge(FilterVerdict(status: attribute("status"))))</td>"
            html += "<td>\(HTML.escape(attribute("blocked_by")))</td><td>\(HTML.escape(record.evidence))</td>"
            html += "<td><code>\(HTML.escape(String(attribute("hash").prefix(12))))</code></td></tr>"
        }
        html += "</tbody></table>"
        return html
    }
}
