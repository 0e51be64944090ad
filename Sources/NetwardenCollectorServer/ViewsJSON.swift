import NetwardenCollectorCore
import NetwardenCore
import NetwardenWire

/// The JSON behind the views: the overview's health fields inside each site object, the school
/// view (`GET /api/v1/site`) and coverage (`GET /api/v1/coverage`). Ratios are 0 to 1, times in
/// seconds or Unix milliseconds (`_ms`), unknown values null.
enum ViewsJSON {
    static func optional(_ value: Double?, _ key: String, into writer: inout JSONWriter) {
        writer.key(key)
        if let value, value.isFinite { writer.number(value) } else { writer.null() }
    }

    static func optional(_ value: Int64?, _ key: String, into writer: inout JSONWriter) {
        writer.key(key)
        if let value { writer.number(Int(value)) } else { writer.null() }
    }

    /// The overview fields added to each `/api/v1/sites` object.
    static func writeHealth(_ site: SiteSummary, into writer: inout JSONWriter) {
        let health = site.health
        writer.key("uplinks")
        writer.beginArray()
        for uplink in health.uplinks {
            writer.beginObject()
            writer.field("interface", uplink.interface)
            writer.field("up", uplink.up)
            writer.endObject()
        }
        writer.endArray()
        writer.key("default_route_present")
        if let present = health.defaultRoutePresent { writer.bool(present) } else { writer.null() }
        optional(health.lossNow, "loss_ratio_now", into: &writer)
        optional(health.loss24h, "loss_ratio_24h", into: &writer)
        optional(health.latencyNowSeconds, "latency_seconds_now", into: &writer)
        optional(health.latency24hSeconds, "latency_seconds_24h", into: &writer)
        writer.key("probe_success_ratio_24h")
        writer.beginObject()
        for (kind, ratio) in health.success24h.sorted(by: { $0.key < $1.key }) { writer.field(kind, ratio) }
        writer.endObject()
        writer.key("wifi")
        if let wifi = health.wifi {
            writer.beginObject()
            writer.field("interfaces", wifi.interfaces)
            optional(wifi.weakestSignalDBm, "weakest_signal_dbm", into: &writer)
            writer.key("stations")
            if let stations = wifi.stations { writer.number(stations) } else { writer.null() }
            writer.field("verdict", wifi.verdict)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.key("filter")
        writer.beginObject()
        optional(site.filter.lastRunMilliseconds, "last_run_ms", into: &writer)
        writer.key("categories")
        writer.beginArray()
        for category in site.filter.categories {
            writer.beginObject()
            writer.field("category", category.category)
            writer.field("latest", category.latest.rawValue)
            writer.field("last_run_ms", Int(category.lastRunMilliseconds))
            optional(category.lastConclusiveMilliseconds, "last_conclusive_ms", into: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
    }

    static func writeEvent(_ event: StoredEvent, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", event.id)
        writer.field("ts", Int(event.timestampMilliseconds))
        writer.field("kind", event.kind)
        writer.field("severity", event.severity)
        writer.field("subject", event.subject)
        writer.field("evidence", event.evidence)
        writer.key("attributes")
        writer.beginObject()
        for attribute in event.attributes { writer.field(attribute.name, attribute.value) }
        writer.endObject()
        writer.endObject()
    }

    static func writeCell(_ cell: CoverageCell, now: Int64, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("trust", cell.identity.trust)
        writer.field("site", cell.identity.site)
        writer.field("gateway", cell.identity.gateway)
        writer.field("vantage", cell.vantage)
        writer.field("category", cell.category)
        writer.field("latest", cell.latest.rawValue)
        writer.field("last_run_ms", Int(cell.lastRunMilliseconds))
        optional(cell.lastConclusiveMilliseconds, "last_conclusive_ms", into: &writer)
        writer.key("last_conclusive")
        if let last = cell.lastConclusiveMilliseconds {
            writer.string(TimeText.rfc3339(milliseconds: last))
        } else {
            writer.null()
        }
        writer.field("stale", cell.isStale(now: now))
        writer.field("checks", cell.checks)
        writer.endObject()
    }

    /// `GET /api/v1/site`: the summary, `events` (newest first, compliance records apart),
    /// `compliance`, `filter_cells`, `latest` values, and `charts` over `range` with `outages`.
    static func site(_ view: CollectorServer.SiteView, now: Int64) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.key("site")
        SitesJSON.write(view.summary, into: &writer)
        writer.key("events")
        writer.beginArray()
        for event in view.events { writeEvent(event, into: &writer) }
        writer.endArray()
        writer.key("compliance")
        writer.beginArray()
        for event in view.compliance { writeEvent(event, into: &writer) }
        writer.endArray()
        writer.key("filter_cells")
        writer.beginArray()
        for cell in view.cells { writeCell(cell, now: now, into: &writer) }
        writer.endArray()
        writer.key("latest")
        writer.beginArray()
        for sample in view.samples {
            writer.beginObject()
            writer.field("name", sample.name)
            writer.key("labels")
            writer.beginObject()
            for label in sample.labels { writer.field(label.name, label.value) }
            writer.endObject()
            writer.key("value")
            if let value = sample.value { writer.number(value) } else { writer.null() }
            writer.field("ts", Int(sample.timestampMilliseconds))
            writer.endObject()
        }
        writer.endArray()
        let charts = view.charts
        writer.key("charts")
        writer.beginObject()
        writer.field("range", charts.range.rawValue)
        writer.field("start_ms", Int(charts.start))
        writer.field("bucket_ms", Int(charts.width))
        for (key, values) in [
            ("probe_success_percent", charts.success), ("icmp_loss_percent", charts.loss),
            ("icmp_rtt_milliseconds", charts.latency),
        ] {
            writer.key(key)
            writer.beginArray()
            for value in values {
                if let value, value.isFinite { writer.number(value) } else { writer.null() }
            }
            writer.endArray()
        }
        writer.key("outage_marks")
        writer.beginArray()
        for mark in charts.outages.marks { writer.string(mark.rawValue) }
        writer.endArray()
        writer.endObject()
        writer.key("outages")
        writer.beginArray()
        for outage in charts.outages.outages {
            writer.beginObject()
            writer.field("cause", outage.cause.rawValue)
            writer.field("from_ms", Int(outage.fromMilliseconds))
            writer.field("to_ms", Int(outage.toMilliseconds))
            optional(outage.deliveredMilliseconds, "delivered_ms", into: &writer)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.output
    }

    /// `GET /api/v1/coverage`: `lines` per trust and category, and every `cell`.
    static func coverage(_ coverage: Coverage, now: Int64) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.field("stale_after_days", Int(CoverageCell.staleAfterMilliseconds / 86_400_000))
        writer.key("lines")
        writer.beginArray()
        for line in coverage.lines {
            writer.beginObject()
            writer.field("trust", line.trust)
            writer.field("category", line.category)
            writer.field("expectation", line.expectation)
            writer.field("text", CoveragePage.sentence(line))
            writer.field("passing", line.passing.count)
            writer.field("total", line.total)
            writer.key("differing")
            writer.beginArray()
            for school in line.differing {
                writer.beginObject()
                writer.field("site", school.site)
                writer.field("reason", school.reason)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        writer.key("cells")
        writer.beginArray()
        for cell in coverage.cells { writeCell(cell, now: now, into: &writer) }
        writer.endArray()
        writer.key("gateways")
        writer.beginArray()
        for gateway in coverage.gateways {
            writer.beginObject()
            writer.field("trust", gateway.trust)
            writer.field("site", gateway.site)
            writer.field("gateway", gateway.gateway)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.output
    }
}
