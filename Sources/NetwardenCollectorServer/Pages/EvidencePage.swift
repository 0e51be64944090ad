import NetwardenCollectorCore
import NetwardenWire

/// The filter compliance log of one school (or one gateway) over a date range, each record's
/// hash chain verified, with the CSV export an inspector takes away.
enum EvidencePage {
    /// What the page and the CSV were asked for.
    struct Selection {
        var trust: String
        var site: String
        /// nil: every gateway of the school.
        var gateway: String?
        /// Inclusive, UTC.
        var from: UTCDay
        var to: UTCDay

        var fromMilliseconds: Int64 { from.startMilliseconds }
        var toMilliseconds: Int64 { to.adding(days: 1).startMilliseconds }

        /// The query string that selects the same records (already HTML-escaped for attributes).
        var query: String {
            var text = "trust=\(HTML.queryComponent(trust))&amp;site=\(HTML.queryComponent(site))"
            if let gateway { text += "&amp;gateway=\(HTML.queryComponent(gateway))" }
            return text + "&amp;from=\(from)&amp;to=\(to)"
        }

        /// `evidence-oak-primary-2026-09-01-to-2026-12-31.csv`, safe for a header.
        var fileName: String {
            let name = [site, gateway].compactMap { $0 }.joined(separator: "-").map { character -> Character in
                character.isLetter && character.isASCII || character.isNumber && character.isASCII
                    || character == "-" || character == "_" ? character : "_"
            }
            return "evidence-\(String(name))-\(from)-to-\(to).csv"
        }
    }

    /// The page for one gateway's records over the default range (HTML-escaped, for an href).
    static func path(for identity: WireIdentity) -> String {
        "/evidence?trust=\(HTML.queryComponent(identity.trust))&amp;site=\(HTML.queryComponent(identity.site))"
            + "&amp;gateway=\(HTML.queryComponent(identity.gateway))"
    }

    /// The longest range one request may ask for: the longest compliance retention.
    static let maximumDays: Int64 = 3_650
    /// Without `from`/`to`: the last 30 days, today included.
    static let defaultDays: Int64 = 30

    /// The selection from query parameters, or the message of a 400.
    static func selection(
        trust: String?,
        site: String?,
        gateway: String?,
        from: String?,
        to: String?,
        now: Int64
    ) -> Result<Selection, EvidenceRequestError> {
        guard let trust, !trust.isEmpty, let site, !site.isEmpty else {
            return .failure(EvidenceRequestError("expected trust and site parameters (gateway is optional)"))
        }
        let today = UTCDay(milliseconds: now)
        let end: UTCDay
        if let to, !to.isEmpty {
            guard let day = UTCDay(to) else {
                return .failure(EvidenceRequestError("to=\(to) is not a date YYYY-MM-DD"))
            }
            end = day
        } else {
            end = today
        }
        let start: UTCDay
        if let from, !from.isEmpty {
            guard let day = UTCDay(from) else {
                return .failure(EvidenceRequestError("from=\(from) is not a date YYYY-MM-DD"))
            }
            start = day
        } else {
            start = end.adding(days: -(defaultDays - 1))
        }
        guard start <= end else { return .failure(EvidenceRequestError("from=\(start) is after to=\(end)")) }
        guard end.daysSinceEpoch - start.daysSinceEpoch < maximumDays else {
            return .failure(EvidenceRequestError("the range is longer than \(maximumDays) days"))
        }
        let gateway = gateway.flatMap { $0.isEmpty ? nil : $0 }
        return .success(Selection(trust: trust, site: site, gateway: gateway, from: start, to: end))
    }

    static func render(
        selection: Selection,
        records: [ComplianceEvidenceRecord],
        user: String,
        csrfToken: String?
    ) -> String {
        let flagged = records.count { $0.check.isFlagged }
        var body = "<p><a href=\"/\">← all schools</a></p>"
        body +=
            "<h1>Filter compliance evidence: \(HTML.escape(selection.site)) <span class=\"muted\">(\(HTML.escape(selection.trust))"
        body += selection.gateway.map { " · gateway \(HTML.escape($0))" } ?? " · all gateways"
        body += ")</span></h1>"
        body += """
            <form method="get" action="/evidence" class="range">\
            <input type="hidden" name="trust" value="\(HTML.escape(selection.trust))">\
            <input type="hidden" name="site" value="\(HTML.escape(selection.site))">
            """
        if let gateway = selection.gateway {
            body += "<input type=\"hidden\" name=\"gateway\" value=\"\(HTML.escape(gateway))\">"
        }
        body += """
            <label>From <input type="date" name="from" value="\(selection.from)"></label> \
            <label>to <input type="date" name="to" value="\(selection.to)"></label> (UTC, inclusive) \
            <button type="submit">Show</button> \
            <a href="/evidence.csv?\(selection.query)">Download CSV</a></form>
            """
        body += "<p class=\"summary\" id=\"chain-summary\">\(records.count) record\(records.count == 1 ? "" : "s"); "
        body +=
            flagged == 0
            ? "<span class=\"status online\">hash chain verified</span>"
            : "<span class=\"status offline\">\(flagged) flagged</span> (edited, missing a link, forked or unsealed)"
        body += "</p>"
        if records.isEmpty {
            body += "<p class=\"muted\">No filter-compliance records in this range.</p>"
        } else {
            body += """
                <table id="evidence"><thead><tr><th>Chain</th><th>Time (record)</th><th>Gateway</th><th>Vantage</th>\
                <th>Check</th><th>Kind</th><th>Category</th><th>Target</th><th>Expect</th><th>Status</th>\
                <th>Blocked by</th><th>Evidence</th></tr></thead><tbody>
                """
            for record in records {
                let chainClass = record.check.isFlagged ? "status offline" : "muted"
                body += "<tr class=\"\(record.check.isFlagged ? "flagged" : "record")\">"
                body +=
                    "<td><span class=\"\(chainClass)\" title=\"\(HTML.escape(record.check.explanation))\">\(record.check.word)</span></td>"
                for cell in [
                    record.field("time"), record.identity.gateway, record.field("vantage"), record.field("check"),
                    record.field("kind"), record.field("category"), record.field("target"), record.field("expect"),
                    record.field("status"), record.field("blocked_by"), record.field("evidence"),
                ] {
                    body += "<td>\(HTML.escape(cell))</td>"
                }
                body += "</tr>"
            }
            body += "</tbody></table>"
        }
        body +=
            "<p class=\"muted\">Each record is verified with the gateway's own hash chain: its SHA-256 over the previous record's hash and its fields must match, and the previous record must be held here.</p>"
        return HTML.page(
            title: "Evidence · \(selection.site)",
            refreshSeconds: nil,
            user: user,
            csrfToken: csrfToken,
            body: body
        )
    }
}

/// A bad evidence request, in words for a 400.
struct EvidenceRequestError: Error {
    var message: String
    init(_ message: String) { self.message = message }
}
