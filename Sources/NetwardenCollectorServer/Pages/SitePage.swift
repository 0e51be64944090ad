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
            body: body
        )
    }
}

extension SitePage {
    /// The chart ranges the page offers: 24 h in 15-minute bars, 7 d in 105-minute bars.
    enum Range: String, CaseIterable {
        case day = "24h"
        case week = "7d"

        var milliseconds: Int64 { self == .day ? 86_400_000 : 7 * 86_400_000 }
    }

    static let bucketCount = 96

    /// Charts of probe success, ICMP loss and round-trip time over `range`, with range links.
    static func charts(
        identity: WireIdentity,
        firstSeen: Int64,
        range: Range,
        now: Int64,
        queries: SiteQueries
    ) async throws(CollectorError) -> String {
        let width = range.milliseconds / Int64(bucketCount)
        // Buckets end at the current bucket boundary so bars do not shift between refreshes.
        let end = (now / width + 1) * width
        let start = end - width * Int64(bucketCount)
        let firstBucket = Int(max(0, min(Int64(bucketCount), (firstSeen - start) / width)))
        let startLabel = TimeText.utc(milliseconds: start)
        let endLabel = TimeText.utc(milliseconds: end)
        var html = "<h2>Last \(range == .day ? "24 hours" : "7 days")</h2><p>"
        html += Range.allCases.map { option in
            option == range
                ? "<strong>\(option.rawValue)</strong>"
                : "<a href=\"\(path(for: identity))&amp;range=\(option.rawValue)\">\(option.rawValue)</a>"
        }.joined(separator: " · ")
        html +=
            " <span class=\"muted\">green: worked; red: measured failure or loss (the gateway kept measuring through a link outage); grey: no data reached the collector (the gateway itself was down)</span></p>"
        let success = try await queries.series(identity, name: "probe_success", since: start)
        html += SVGChart.render(
            title: "Probe success (all probes)",
            values: SVGChart.bucketMeans(success, start: start, width: width, buckets: bucketCount).map {
                $0.map { $0 * 100 }
            },
            maximum: 100,
            goodIsHigh: true,
            unit: "%",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket
        )
        let loss = try await queries.series(identity, name: "netwarden_icmp_loss_ratio", since: start)
        html += SVGChart.render(
            title: "ICMP loss",
            values: SVGChart.bucketMeans(loss, start: start, width: width, buckets: bucketCount).map {
                $0.map { $0 * 100 }
            },
            maximum: 100,
            goodIsHigh: false,
            unit: "%",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket
        )
        // The family carries min/avg/median/max/stddev as `stat`; the chart shows the average.
        let rtt = try await queries.series(identity, name: "netwarden_icmp_rtt_seconds", since: start).filter {
            $0.labels.contains { $0.name == "stat" && $0.value == "avg" }
        }
        html += SVGChart.render(
            title: "ICMP round-trip time",
            values: SVGChart.bucketMeans(rtt, start: start, width: width, buckets: bucketCount).map {
                $0.map { $0 * 1000 }
            },
            maximum: nil,
            goodIsHigh: false,
            unit: "ms",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket
        )
        return html
    }
}
