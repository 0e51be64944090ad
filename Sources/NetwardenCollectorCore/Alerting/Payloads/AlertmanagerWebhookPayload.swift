import NetwardenCore

/// The generic webhook body: Alertmanager's webhook format, version 4, so anything built for
/// Alertmanager receivers (ticketing bridges, on-call tools, chat relays) takes it unchanged.
public enum AlertmanagerWebhookPayload {
    /// Alertmanager's "no end time" for firing alerts.
    static let zeroTime = "0001-01-01T00:00:00Z"
    /// Alerts beyond this go uncounted into `truncatedAlerts`, as Alertmanager's `max_alerts`.
    public static let maximumAlerts = 100

    public static func render(_ notification: AlertNotification, externalURL: String) -> [UInt8] {
        var writer = JSONWriter()
        writer.beginObject()
        writer.field("version", "4")
        writer.field("groupKey", notification.groupKey)
        writer.field("truncatedAlerts", max(0, notification.alerts.count - maximumAlerts))
        writer.field("status", notification.status.rawValue)
        writer.field("receiver", notification.receiver)
        writer.key("groupLabels")
        object(notification.groupLabels, into: &writer)
        writer.key("commonLabels")
        object(notification.commonLabels, into: &writer)
        writer.key("commonAnnotations")
        object(notification.commonAnnotations, into: &writer)
        writer.field("externalURL", externalURL)
        writer.key("alerts")
        writer.beginArray()
        for alert in notification.alerts.prefix(maximumAlerts) {
            writer.beginObject()
            writer.field("status", alert.status.rawValue)
            writer.key("labels")
            object(alert.labels, into: &writer)
            writer.key("annotations")
            object(alert.annotations, into: &writer)
            writer.field("startsAt", CivilDate.rfc3339(milliseconds: alert.startsAt))
            writer.field("endsAt", alert.endsAt.map { CivilDate.rfc3339(milliseconds: $0) } ?? zeroTime)
            writer.field("generatorURL", generatorURL(alert, externalURL: externalURL))
            writer.field("fingerprint", alert.fingerprint)
            writer.endObject()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// The school's page on the collector, where the evidence is.
    public static func generatorURL(_ alert: RoutedAlert, externalURL: String) -> String {
        guard !externalURL.isEmpty else { return "" }
        var base = externalURL
        while base.hasSuffix("/") { base.removeLast() }
        guard let gateway = alert.label("gateway") else { return base + "/" }
        return base + "/site?trust=" + query(alert.trust) + "&site=" + query(alert.site) + "&gateway=" + query(gateway)
    }

    static func object(_ pairs: [(name: String, value: String)], into writer: inout JSONWriter) {
        writer.beginObject()
        for pair in pairs { writer.field(pair.name, pair.value) }
        writer.endObject()
    }

    static func query(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(Unicode.Scalar(byte)))
            default:
                let digits = Array("0123456789ABCDEF")
                out += "%" + String(digits[Int(byte >> 4)]) + String(digits[Int(byte & 0x0F)])
            }
        }
        return out
    }
}
