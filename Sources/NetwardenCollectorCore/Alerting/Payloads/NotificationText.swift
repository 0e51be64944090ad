/// The words every human-facing receiver (Slack, Teams, email) shares, so the three say the
/// same thing about the same notification.
public enum NotificationText {
    /// One line per alert: `FIRING probe_down at oak-primary/gw1 (probe=vle) since 10:42: evidence`.
    public static func line(_ alert: RoutedAlert) -> String {
        var text = alert.status == .firing ? "FIRING " : "RESOLVED "
        text += alert.alertname + " at " + alert.site
        if let gateway = alert.label("gateway") { text += "/" + gateway }
        if !alert.seriesText.isEmpty { text += " (" + alert.seriesText + ")" }
        text +=
            alert.status == .firing
            ? " since " + CivilDate.rfc3339(milliseconds: alert.startsAt)
            : " at " + CivilDate.rfc3339(milliseconds: alert.endsAt ?? alert.startsAt)
        if let summary = alert.annotation("summary"), !summary.isEmpty { text += ": " + summary }
        return text
    }

    /// The title and one line per alert.
    public static func plain(_ notification: AlertNotification) -> String {
        ([notification.title] + notification.alerts.map(line)).joined(separator: "\n")
    }
}
