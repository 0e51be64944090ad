import NetwardenCore

/// A Microsoft Teams message for a Workflows ("When a Teams webhook request is received")
/// trigger: a `message` with one Adaptive Card attachment. The retired Office 365 connector
/// MessageCard format is deliberately not produced.
public enum TeamsPayload {
    static let maximumAlerts = 40

    public static func render(_ notification: AlertNotification, externalURL: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("type", "message")
        writer.key("attachments")
        writer.beginArray()
        writer.beginObject()
        writer.field("contentType", "application/vnd.microsoft.card.adaptive")
        writer.key("contentUrl")
        writer.null()
        writer.key("content")
        writer.beginObject()
        writer.field("$schema", "http://adaptivecards.io/schemas/adaptive-card.json")
        writer.field("type", "AdaptiveCard")
        writer.field("version", "1.4")
        writer.key("msteams")
        writer.beginObject()
        writer.field("width", "Full")
        writer.endObject()
        writer.key("body")
        writer.beginArray()
        writer.beginObject()
        writer.field("type", "TextBlock")
        writer.field("text", notification.title)
        writer.field("weight", "Bolder")
        writer.field("size", "Medium")
        writer.field("color", notification.status == .firing ? "Attention" : "Good")
        writer.field("wrap", true)
        writer.endObject()
        for alert in notification.alerts.prefix(maximumAlerts) {
            writer.beginObject()
            writer.field("type", "TextBlock")
            writer.field("text", "\(alert.alertname) · \(alert.status.rawValue)")
            writer.field("weight", "Bolder")
            writer.field("color", alert.status == .firing ? "Attention" : "Good")
            writer.field("spacing", "Medium")
            writer.field("wrap", true)
            writer.endObject()
            writer.beginObject()
            writer.field("type", "FactSet")
            writer.key("facts")
            writer.beginArray()
            var facts: [(String, String)] = [("School", alert.trust + "/" + alert.site)]
            if let gateway = alert.label("gateway") { facts.append(("Gateway", gateway)) }
            if let severity = alert.label("severity") { facts.append(("Severity", severity)) }
            if !alert.seriesText.isEmpty { facts.append(("Labels", alert.seriesText)) }
            facts.append(("Since", CivilDate.rfc3339(milliseconds: alert.startsAt)))
            if let ended = alert.endsAt { facts.append(("Resolved", CivilDate.rfc3339(milliseconds: ended))) }
            if let summary = alert.annotation("summary"), !summary.isEmpty { facts.append(("Evidence", summary)) }
            for (title, value) in facts {
                writer.beginObject()
                writer.field("title", title)
                writer.field("value", value)
                writer.endObject()
            }
            writer.endArray()
            writer.endObject()
        }
        writer.endArray()
        if !externalURL.isEmpty {
            writer.key("actions")
            writer.beginArray()
            writer.beginObject()
            writer.field("type", "Action.OpenUrl")
            writer.field("title", "Open in netwarden")
            writer.field(
                "url",
                notification.alerts.first.map { AlertmanagerWebhookPayload.generatorURL($0, externalURL: externalURL) }
                    ?? externalURL
            )
            writer.endObject()
            writer.endArray()
        }
        writer.endObject()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }
}
