import NetwardenCollectorCore
import NetwardenWire

/// The school page's time series over one range, bucketed once for both the SVG charts and the
/// JSON: probe success, ICMP loss and round-trip time, and the outage timeline.
struct SiteCharts {
    /// The chart ranges the page offers: 24 h in 15-minute bars, 7 d in 105-minute bars.
    enum Range: String, CaseIterable {
        case day = "24h"
        case week = "7d"

        var milliseconds: Int64 { self == .day ? 86_400_000 : 7 * 86_400_000 }
        var words: String { self == .day ? "24 hours" : "7 days" }
    }

    static let bucketCount = 96

    var range: Range
    var start: Int64
    var end: Int64
    var width: Int64
    var firstBucket: Int
    /// Mean per bucket, as percent / percent / milliseconds; nil: no sample; NaN: only NaN.
    var success: [Double?]
    var loss: [Double?]
    var latency: [Double?]
    var outages: OutageTimeline

    static func load(
        identity: WireIdentity,
        firstSeen: Int64,
        range: Range,
        now: Int64,
        queries: SiteQueries
    ) async throws(CollectorError) -> SiteCharts {
        let width = range.milliseconds / Int64(bucketCount)
        // Buckets end at the current bucket boundary so bars do not shift between refreshes.
        let end = (now / width + 1) * width
        let start = end - width * Int64(bucketCount)
        let firstBucket = Int(max(0, min(Int64(bucketCount), (firstSeen - start) / width)))
        func means(_ name: String, stat: String? = nil, scale: Double) async throws(CollectorError) -> [Double?] {
            try await queries.bucketMeans(
                identity,
                name: name,
                stat: stat,
                start: start,
                width: width,
                buckets: bucketCount
            ).map { $0.map { $0 * scale } }
        }
        let success = try await means("probe_success", scale: 100)
        let loss = try await means("netwarden_icmp_loss_ratio", scale: 100)
        // The family carries min/avg/median/max/stddev as `stat`; the chart shows the average.
        let latency = try await means("netwarden_icmp_rtt_seconds", stat: "avg", scale: 1000)
        let present = try await queries.presentBuckets(identity, start: start, width: width, buckets: bucketCount)
        let late = try await queries.lateDeliveries(identity, since: start)
        return SiteCharts(
            range: range,
            start: start,
            end: end,
            width: width,
            firstBucket: firstBucket,
            success: success,
            loss: loss,
            latency: latency,
            outages: OutageTimeline(
                start: start,
                width: width,
                buckets: bucketCount,
                firstBucket: firstBucket,
                present: present,
                late: late,
                now: now
            )
        )
    }

    /// The charts section with its range links, legend and outage list.
    func html(identity: WireIdentity) -> String {
        let startLabel = TimeText.utc(milliseconds: start)
        let endLabel = TimeText.utc(milliseconds: end)
        var html = "<h2>Last \(range.words)</h2><p>"
        html += Range.allCases.map { option in
            option == range
                ? "<strong>\(option.rawValue)</strong>"
                : "<a href=\"\(SitePage.path(for: identity))&amp;range=\(option.rawValue)\">\(option.rawValue)</a>"
        }.joined(separator: " · ")
        html +=
            " <span class=\"muted\">green: worked; red: measured failure or loss; grey: no data. Strip below each chart: "
        html += "<span class=\"swatch outage-late\"></span>outage, link down, the gateway kept measuring and "
        html += "delivered the backlog later; <span class=\"swatch outage-nodata\"></span>outage, nothing reached "
        html += "the collector (gateway or netwarden down)</span></p>"
        let marks = outages.marks
        html += SVGChart.render(
            title: "Probe success (all probes)",
            values: success,
            maximum: 100,
            goodIsHigh: true,
            unit: "%",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket,
            outages: marks
        )
        html += SVGChart.render(
            title: "ICMP loss",
            values: loss,
            maximum: 100,
            goodIsHigh: false,
            unit: "%",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket,
            outages: marks
        )
        html += SVGChart.render(
            title: "ICMP round-trip time",
            values: latency,
            maximum: nil,
            goodIsHigh: false,
            unit: "ms",
            startLabel: startLabel,
            endLabel: endLabel,
            firstBucket: firstBucket,
            outages: marks
        )
        html += "<h3>Outages in the last \(range.words)</h3>"
        if outages.outages.isEmpty {
            html += "<p class=\"muted\" id=\"no-outages\">None: data arrived on time for the whole period.</p>"
        } else {
            html +=
                "<table id=\"outages\"><thead><tr><th>From (UTC)</th><th>To (UTC)</th><th>Length</th><th>Cause</th></tr></thead><tbody>"
            for outage in outages.outages.reversed() {
                let cause =
                    switch outage.cause {
                    case .late:
                        "<span class=\"swatch outage-late\"></span>link down: the gateway kept measuring; its backlog arrived "
                            + HTML.escape(
                                outage.deliveredMilliseconds.map { TimeText.utc(milliseconds: $0) } ?? "later"
                            )
                    default:
                        "<span class=\"swatch outage-nodata\"></span>no data reached the collector: gateway or netwarden down"
                    }
                html +=
                    "<tr class=\"outage\"><td>\(HTML.escape(TimeText.utc(milliseconds: outage.fromMilliseconds)))</td>"
                html += "<td>\(HTML.escape(TimeText.utc(milliseconds: outage.toMilliseconds)))</td>"
                html += "<td>\(TimeText.duration(milliseconds: outage.toMilliseconds - outage.fromMilliseconds))</td>"
                html += "<td>\(cause)</td></tr>"
            }
            html += "</tbody></table>"
        }
        return html
    }
}
