import NetwardenCollectorCore

/// `/alerts`: what was sent, to whom, when and with what result; what was not sent and why;
/// the silences, with a form to add one and buttons to end them.
enum NotificationHistoryPage {
    static func render(
        history: [HistoryEntry],
        open: [RoutedAlert],
        configSilences: [Silence],
        storedSilences: [Silence],
        now: Int64,
        user: String,
        csrfToken: String?,
        message: String?
    ) -> String {
        var body = "<h1>Alerts and notifications</h1>"
        if let message { body += "<p class=\"notice\">\(HTML.escape(message))</p>" }
        body += OverviewAlertsSection.openAlerts(open)
        body += "<h2>Silences and maintenance windows</h2>"
        let silences = configSilences + storedSilences
        if silences.isEmpty {
            body += "<p class=\"muted\">None defined.</p>"
        } else {
            body += "<table id=\"silence-table\"><thead><tr><th>Id</th><th>Kind</th><th>Covers</th><th>When</th>"
            body += "<th>Comment</th><th>By</th><th>Now</th><th></th></tr></thead><tbody>"
            for silence in silences {
                body += "<tr><td>\(HTML.escape(silence.id))</td><td>\(HTML.escape(silence.kind.rawValue))</td>"
                body += "<td>\(HTML.escape(silence.scope))</td><td>\(HTML.escape(silence.scheduleText))</td>"
                body += "<td>\(HTML.escape(silence.comment))</td><td>\(HTML.escape(silence.createdBy))</td>"
                body += silence.isActive(at: now) ? "<td><span class=\"status warn\">active</span></td>" : "<td>–</td>"
                if silence.id.hasPrefix("db:"), let csrfToken {
                    body += """
                        <td><form method="post" action="/alerts/silences/expire">\
                        <input type="hidden" name="csrf" value="\(HTML.escape(csrfToken))">\
                        <input type="hidden" name="id" value="\(HTML.escape(silence.id))">\
                        <button type="submit">End now</button></form></td>
                        """
                } else {
                    body +=
                        "<td><span class=\"muted\">\(silence.id.hasPrefix("config:") ? "in config" : "")</span></td>"
                }
                body += "</tr>"
            }
            body += "</tbody></table>"
        }
        if let csrfToken {
            body += """
                <h2>Add a silence</h2>
                <form method="post" action="/alerts/silences" class="silence">\
                <input type="hidden" name="csrf" value="\(HTML.escape(csrfToken))">\
                <label>Kind <select name="kind"><option value="maintenance">maintenance</option>\
                <option value="silence">silence</option></select></label> \
                <label>Trust <input name="trust" required></label> \
                <label>School <input name="site" placeholder="all schools"></label> \
                <label>Alert <input name="alertname" placeholder="all alerts"></label> \
                <label>Starts (UTC) <input name="starts" type="datetime-local"></label> \
                <label>Minutes <input name="duration_minutes" type="number" min="1" value="60"></label> \
                <label>Comment <input name="comment"></label> \
                <button type="submit">Add</button></form>
                """
        }
        body += "<h2>History</h2>"
        if history.isEmpty {
            body += "<p class=\"muted\">Nothing sent or held back yet.</p>"
        } else {
            body += """
                <table id="history"><thead><tr><th>Time</th><th>Outcome</th><th>Receiver</th><th>To</th>\
                <th>Status</th><th>School</th><th>Alerts</th><th>Attempt</th><th>Result or reason</th></tr></thead><tbody>
                """
            for entry in history {
                let outcomeClass =
                    switch entry.outcome {
                    case "sent": "online"
                    case "failed": "offline"
                    default: "warn"
                    }
                body += "<tr class=\"history \(HTML.escape(entry.outcome))\">"
                body += "<td title=\"\(HTML.escape(TimeText.utc(milliseconds: entry.at)))\">"
                body += "\(HTML.escape(TimeText.utc(milliseconds: entry.at)))</td>"
                body += "<td><span class=\"status \(outcomeClass)\">\(HTML.escape(entry.outcome))</span></td>"
                let receiver = entry.receiver.isEmpty ? "–" : "\(entry.receiver) (\(entry.receiverKind))"
                body += "<td>\(HTML.escape(receiver))</td><td>\(HTML.escape(entry.destination))</td>"
                body += "<td>\(HTML.escape(entry.status))</td><td>\(HTML.escape(entry.trust + "/" + entry.site))</td>"
                body +=
                    "<td>\(HTML.escape(entry.alerts))</td><td>\(entry.attempt == 0 ? "–" : String(entry.attempt))</td>"
                body += "<td>\(HTML.escape(entry.outcome == "suppressed" ? entry.reason : entry.result))</td></tr>"
            }
            body += "</tbody></table>"
        }
        return HTML.page(
            title: "Alerts",
            // No refresh: it would wipe the silence form while someone fills it in.
            refreshSeconds: nil,
            user: user,
            csrfToken: csrfToken,
            body: body
        )
    }
}
