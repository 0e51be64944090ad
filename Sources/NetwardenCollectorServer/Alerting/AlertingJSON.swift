import NetwardenCollectorCore
import NetwardenCore

/// The alerting objects as the JSON API writes them.
enum AlertingJSON {
    static func write(_ alert: RoutedAlert, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("alertname", alert.alertname)
        writer.field("fingerprint", alert.fingerprint)
        writer.field("status", alert.status.rawValue)
        writer.key("labels")
        writer.beginObject()
        for label in alert.labels { writer.field(label.name, label.value) }
        writer.endObject()
        writer.field("summary", alert.annotation("summary") ?? "")
        writer.field("starts_at", TimeText.rfc3339(milliseconds: alert.startsAt))
        writer.field("late", alert.late)
        writer.key("suppressed")
        if let suppression = alert.suppression {
            writer.beginObject()
            writer.field("reason", suppression.reason)
            writer.field("detail", suppression.detail)
            writer.endObject()
        } else {
            writer.null()
        }
        writer.endObject()
    }

    static func write(_ silence: Silence, now: Int64, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("id", silence.id)
        writer.field("kind", silence.kind.rawValue)
        writer.field("trust", silence.trust)
        writer.key("site")
        if let site = silence.site { writer.string(site) } else { writer.null() }
        writer.key("alertname")
        if let alertname = silence.alertname { writer.string(alertname) } else { writer.null() }
        if case .once(let starts, let ends) = silence.schedule {
            writer.field("starts", TimeText.rfc3339(milliseconds: starts))
            writer.field("ends", TimeText.rfc3339(milliseconds: ends))
        } else {
            writer.field("recurring", silence.scheduleText)
        }
        writer.field("active", silence.isActive(at: now))
        writer.field("comment", silence.comment)
        writer.field("created_by", silence.createdBy)
        writer.endObject()
    }

    static func write(_ entry: HistoryEntry, into writer: inout JSONWriter) {
        writer.beginObject()
        writer.field("at", TimeText.rfc3339(milliseconds: entry.at))
        writer.field("at_ms", Int(entry.at))
        writer.field("outcome", entry.outcome)
        writer.field("receiver", entry.receiver)
        writer.field("receiver_kind", entry.receiverKind)
        writer.field("destination", entry.destination)
        writer.field("group_key", entry.groupKey)
        writer.field("status", entry.status)
        writer.field("trust", entry.trust)
        writer.field("site", entry.site)
        writer.field("alerts", entry.alerts)
        writer.field("attempt", entry.attempt)
        writer.field("result", entry.result)
        writer.field("reason", entry.reason)
        writer.endObject()
    }
}
