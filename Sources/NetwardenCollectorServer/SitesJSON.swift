import NetwardenCollectorCore
import NetwardenCore
import NetwardenWire

/// `GET /api/v1/sites`: the overview for scripts, `{"sites":[{"trust","site","gateway","last_seen",...}]}`.
enum SitesJSON {
    static func render(_ sites: [SiteSummary], now: Int64) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.key("sites")
        writer.beginArray()
        for site in sites { write(site, into: &writer) }
        writer.endArray()
        writer.endObject()
        return writer.output
    }

    /// One site's summary object, shared by both endpoints.
    static func write(_ site: SiteSummary, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("trust", site.identity.trust)
        writer.field("site", site.identity.site)
        writer.field("gateway", site.identity.gateway)
        writer.field("last_seen", TimeText.rfc3339(milliseconds: site.lastSeenMilliseconds))
        writer.field("last_seen_ms", Int(site.lastSeenMilliseconds))
        writer.field("last_contact_ms", Int(site.lastContactMilliseconds))
        writer.field("first_seen_ms", Int(site.firstSeenMilliseconds))
        writer.field("status", site.online ? "online" : "offline")
        writer.field("online", site.online)
        writer.key("agent")
        if let agent = site.agent { writer.string(agent) } else { writer.null() }
        writer.key("probe_success_ratio")
        if let ratio = site.probeSuccessRatio { writer.number(ratio) } else { writer.null() }
        writer.key("probes")
        writer.beginArray()
        for probe in site.probes {
            writer.beginObject()
            writer.field("probe", probe.probe)
            writer.field("kind", probe.kind)
            writer.field("target", probe.target)
            writer.key("success")
            if let success = probe.success { writer.number(success) } else { writer.null() }
            writer.field("ts", Int(probe.timestampMilliseconds))
            writer.endObject()
        }
        writer.endArray()
        writer.field("events_24h", site.eventsLast24h)
        writer.field("filter_leaks_24h", site.filterLeaksLast24h)
        writer.field("bypass_24h", site.bypassLast24h)
        writer.endObject()
    }

    /// `GET /api/v1/site?trust=&site=&gateway=`: the school page for scripts: the summary, then
    /// `events` (newest first) and `latest` (each series' newest value in 15 minutes).
    static func render(site: SiteSummary, events: [StoredEvent], samples: [StoredSample], now: Int64) -> String {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("generated_at", TimeText.rfc3339(milliseconds: now))
        writer.key("site")
        write(site, into: &writer)
        writer.key("events")
        writer.beginArray()
        for event in events {
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
        writer.endArray()
        writer.key("latest")
        writer.beginArray()
        for sample in samples {
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
        writer.endObject()
        return writer.output
    }
}
