import NetwardenCollectorCore

/// A small inline SVG bar chart over fixed time buckets, drawn on the server (no script).
///
/// A bucket with no data at all is drawn as a grey "no data" bar the full height, distinct
/// from a bucket whose data shows failure: when the gateway's uplink fails it keeps measuring
/// and later backfills, so its outage arrives as red (failed probes, loss); grey means nothing
/// reached us for that time, i.e. the gateway itself (or netwarden on it) was down.
enum SVGChart {
    /// `values` drawn as bars scaled to `maximum` (nil: the largest value). `goodIsHigh`
    /// colours bars: for success a low bar is bad, for loss or latency a high one.
    static func render(
        title: String,
        values: [Double?],
        maximum: Double?,
        goodIsHigh: Bool,
        unit: String,
        startLabel: String,
        endLabel: String,
        firstBucket: Int = 0,
        outages: [OutageTimeline.Mark] = []
    ) -> String {
        // A family this gateway never reported in the range is not measured there (no ICMP
        // probe configured, say): a grey chart would wrongly claim the gateway was down.
        if values.allSatisfy({ $0 == nil || $0?.isNaN == true }) {
            return
                "<p class=\"chart\">\(HTML.escape(title)): <span class=\"muted\">not measured in this period</span></p>"
        }
        let width = 720.0
        let height = 80.0
        let barWidth = width / Double(max(values.count, 1))
        let finite = values.compactMap { $0 }.filter(\.isFinite)
        let top = maximum ?? max(finite.max() ?? 1, 1e-9)
        var bars = ""
        var missing = 0
        for (index, value) in values.enumerated() {
            let x = Double(index) * barWidth
            // Before the gateway's first data there is nothing to miss: left blank, not grey.
            if index < firstBucket && value == nil { continue }
            guard let value else {
                missing += 1
                bars +=
                    "<rect x=\"\(format(x))\" y=\"0\" width=\"\(format(barWidth))\" height=\"\(format(height))\" class=\"nodata\"><title>no data</title></rect>"
                continue
            }
            guard value.isFinite else { continue }
            let fraction = min(max(value / top, 0), 1)
            let tip = "<title>\(format(value)) \(HTML.escape(unit))</title>"
            if goodIsHigh {
                // Success: green for the part that worked, red for the part that failed, so a
                // total failure is a full red bar rather than an empty slot.
                let good = fraction * height
                if good > 0 {
                    bars +=
                        "<rect x=\"\(format(x))\" y=\"\(format(height - good))\" width=\"\(format(barWidth))\" height=\"\(format(good))\" class=\"good\">\(tip)</rect>"
                }
                if good < height {
                    bars +=
                        "<rect x=\"\(format(x))\" y=\"0\" width=\"\(format(barWidth))\" height=\"\(format(height - good))\" class=\"bad\">\(tip)</rect>"
                }
            } else {
                let barHeight = max(fraction * height, 1)
                let bad = fraction > 0.2
                bars +=
                    "<rect x=\"\(format(x))\" y=\"\(format(height - barHeight))\" width=\"\(format(barWidth))\" height=\"\(format(barHeight))\" class=\"\(bad ? "bad" : "good")\">\(tip)</rect>"
            }
        }
        // The outage strip under the bars: every bucket of an outage, coloured by its cause, so a
        // red or grey stretch above reads with the reason beside it.
        var strip = ""
        let stripHeight = outages.isEmpty ? 0.0 : 10.0
        for (index, mark) in outages.enumerated() where mark != .none {
            let x = Double(index) * barWidth
            let tip = mark == .late ? "outage: link down, data delivered late" : "outage: no data reached the collector"
            strip +=
                "<rect x=\"\(format(x))\" y=\"\(format(height + 2))\" width=\"\(format(barWidth))\" height=\"8\" class=\"outage-\(mark == .late ? "late" : "nodata")\"><title>\(tip)</title></rect>"
        }
        let summary =
            finite.isEmpty
            ? "no data"
            : "max \(format(finite.max()!)) \(unit)"
                + (missing > 0 ? ", \(missing) of \(values.count) periods without data" : "")
        return """
            <figure class="chart"><figcaption>\(HTML.escape(title)) <span class="muted">(\(HTML.escape(summary)))</span></figcaption>\
            <svg viewBox="0 0 \(format(width)) \(format(height + stripHeight))" width="\(format(width))" \
            height="\(format(height + stripHeight))" role="img" aria-label="\(HTML.escape(title))">\
            <rect x="0" y="0" width="\(format(width))" height="\(format(height))" class="frame"/>\(bars)\(strip)</svg>\
            <div class="axis"><span>\(HTML.escape(startLabel))</span><span>\(HTML.escape(endLabel))</span></div></figure>
            """
    }

    static let stylesheet = """
        figure.chart{margin:.4em 0 1em}
        figure.chart svg{background:#fff;display:block;max-width:100%;height:auto}
        figure.chart .frame{fill:#fff;stroke:#d0d7de}
        figure.chart .good{fill:#52b788}
        figure.chart .bad{fill:#e5383b}
        figure.chart .nodata{fill:#c9ccd1}
        .outage-late{fill:#f4a261}
        .outage-nodata{fill:#495057}
        .swatch{display:inline-block;width:.9em;height:.9em;vertical-align:-.1em;margin-right:.25em}
        span.swatch.outage-late{background:#f4a261}
        span.swatch.outage-nodata{background:#495057}
        figure.chart .axis{display:flex;justify-content:space-between;max-width:720px;font-size:.8em;color:#6a737d}
        """

    /// Three significant decimals at most, no exponent: SVG coordinates and tooltips.
    static func format(_ value: Double) -> String {
        let rounded = (value * 1000).rounded() / 1000
        if rounded == rounded.rounded() && abs(rounded) < 1e15 { return String(Int64(rounded)) }
        return String(rounded)
    }
}
