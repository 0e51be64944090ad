import NetwardenCollectorCore

/// The overview's alerting part: open alerts per school (and whether each is being sent or
/// why not), and the silences and maintenance windows in force.
enum OverviewAlertsSection {
    static func render(open: [RoutedAlert], silences: [Silence]) -> String {
        openAlerts(open) + activeSilences(silences)
            + "<p><a href=\"/alerts\">Notification history and silences →</a></p>"
    }

    static func openAlerts(_ open: [RoutedAlert]) -> String {
        var body = "<h2 id=\"open-alerts\">Open alerts</h2>"
        if open.isEmpty {
            body += "<p class=\"muted\">No alert is firing.</p>"
        } else {
            var schools: [(school: String, alerts: [RoutedAlert])] = []
            for alert in open {
                let school = alert.trust + "/" + alert.site
                if let index = schools.firstIndex(where: { $0.school == school }) {
                    schools[index].alerts.append(alert)
                } else {
                    schools.append((school, [alert]))
                }
            }
            body +=
                "<table id=\"open-alerts-table\"><thead><tr><th>School</th><th>Open</th><th>Alerts</th></tr></thead><tbody>"
            for (school, alerts) in schools {
                body += "<tr class=\"school-alerts\"><td>\(HTML.escape(school))</td><td>\(alerts.count)</td><td>"
                body += alerts.map(item).joined(separator: "<br>")
                body += "</td></tr>"
            }
            body += "</tbody></table>"
        }
        return body
    }

    static func activeSilences(_ silences: [Silence]) -> String {
        var body = "<h2 id=\"silences\">Silences and maintenance windows in force</h2>"
        if silences.isEmpty {
            body += "<p class=\"muted\">None.</p>"
        } else {
            body += "<ul class=\"silences\">"
            for silence in silences {
                body += "<li>\(HTML.escape(silence.kind.rawValue)) · \(HTML.escape(silence.scope)) · "
                body += "\(HTML.escape(silence.scheduleText))"
                if !silence.comment.isEmpty { body += " · \(HTML.escape(silence.comment))" }
                body += " <span class=\"muted\">(\(HTML.escape(silence.id)))</span></li>"
            }
            body += "</ul>"
        }
        return body
    }

    static func item(_ alert: RoutedAlert) -> String {
        let severity = alert.label("severity") ?? ""
        var text = "<span class=\"sev-\(HTML.escape(severity))\">\(HTML.escape(alert.alertname))</span>"
        if let gateway = alert.label("gateway") { text += " @\(HTML.escape(gateway))" }
        if !alert.seriesText.isEmpty { text += " <span class=\"muted\">\(HTML.escape(alert.seriesText))</span>" }
        if let suppression = alert.suppression {
            text += " <span class=\"status warn\">\(HTML.escape(suppression.reason))</span>"
        }
        return text
    }
}
