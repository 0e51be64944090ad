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
        ViewsJSON.writeHealth(site, into: &writer)
        writer.endObject()
    }
}
