import NetwardenCore

/// A Slack incoming-webhook message: Block Kit blocks for the app, and `text` as the fallback
/// Slack shows in notifications and to clients that cannot draw blocks.
public enum SlackPayload {
    /// Slack refuses a section text over 3000 characters and a message over 50 blocks.
    static let maximumSectionCharacters = 3000
    static let maximumAlertBlocks = 45

    public static func render(_ notification: AlertNotification, externalURL: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("text", NotificationText.plain(notification))
        writer.key("blocks")
        writer.beginArray()
        writer.beginObject()
        writer.field("type", "header")
        writer.key("text")
        writer.beginObject()
        writer.field("type", "plain_text")
        writer.field("text", String(notification.title.prefix(150)))
        writer.endObject()
        writer.endObject()
        for alert in notification.alerts.prefix(maximumAlertBlocks) {
            writer.beginObject()
            writer.field("type", "section")
            writer.key("text")
            writer.beginObject()
            writer.field("type", "mrkdwn")
            writer.field("text", String(mrkdwn(alert).prefix(maximumSectionCharacters)))
            writer.endObject()
            writer.endObject()
        }
        writer.beginObject()
        writer.field("type", "context")
        writer.key("elements")
        writer.beginArray()
        writer.beginObject()
        writer.field("type", "mrkdwn")
        var context = "netwarden · \(notification.receiver)"
        if !externalURL.isEmpty { context += " · <\(escape(externalURL))|open the collector>" }
        writer.field("text", context)
        writer.endObject()
        writer.endArray()
        writer.endObject()
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    static func mrkdwn(_ alert: RoutedAlert) -> String {
        let icon = alert.status == .firing ? ":red_circle:" : ":large_green_circle:"
        var text = "\(icon) *\(escape(alert.alertname))* \(alert.status.rawValue) at *\(escape(alert.site))*"
        if let gateway = alert.label("gateway") { text += " (\(escape(gateway)))" }
        if let severity = alert.label("severity") { text += " · \(escape(severity))" }
        if !alert.seriesText.isEmpty { text += "\n`\(escape(alert.seriesText))`" }
        if let summary = alert.annotation("summary"), !summary.isEmpty { text += "\n" + escape(summary) }
        text +=
            alert.status == .firing
            ? "\nsince \(CivilDate.rfc3339(milliseconds: alert.startsAt))"
            : "\nresolved \(CivilDate.rfc3339(milliseconds: alert.endsAt ?? alert.startsAt))"
        return text
    }

    /// Slack's three control characters in mrkdwn (its documented escaping).
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            default: out.append(character)
            }
        }
        return out
    }
}
