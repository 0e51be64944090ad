/// One row of the notification history: a delivery attempt, or an alert recorded but not sent.
public struct HistoryEntry: Sendable, Equatable {
    /// `sent`, `failed` (an attempt that did not get through), or `suppressed`.
    public var outcome: String
    public var at: Int64
    public var receiver: String
    public var receiverKind: String
    /// Where it went (URL without credentials, or the email addresses).
    public var destination: String
    public var groupKey: String
    public var status: String
    public var trust: String
    public var site: String
    /// The alerts it carried: `probe_down(probe=vle) firing, ...`.
    public var alerts: String
    public var attempt: Int
    /// `HTTP 204`, `250 OK`, the error in words.
    public var result: String
    /// For suppressed rows: inhibited, silenced, maintenance, late-summary (and the detail).
    public var reason: String

    public init(
        outcome: String,
        at: Int64,
        receiver: String = "",
        receiverKind: String = "",
        destination: String = "",
        groupKey: String = "",
        status: String,
        trust: String,
        site: String,
        alerts: String,
        attempt: Int = 0,
        result: String = "",
        reason: String = ""
    ) {
        self.outcome = outcome
        self.at = at
        self.receiver = receiver
        self.receiverKind = receiverKind
        self.destination = destination
        self.groupKey = groupKey
        self.status = status
        self.trust = trust
        self.site = site
        self.alerts = alerts
        self.attempt = attempt
        self.result = result
        self.reason = reason
    }

    /// How alerts are listed in a row.
    public static func describe(_ alerts: [RoutedAlert]) -> String {
        alerts.map { alert in
            var text = alert.alertname
            if !alert.seriesText.isEmpty { text += "(\(alert.seriesText))" }
            if let gateway = alert.label("gateway") { text += "@\(gateway)" }
            return text + " " + alert.status.rawValue
        }.joined(separator: ", ")
    }

    /// The row for a suppressed alert.
    public init(_ suppressed: SuppressedAlert) {
        self.init(
            outcome: "suppressed",
            at: suppressed.at,
            status: suppressed.alert.status.rawValue,
            trust: suppressed.alert.trust,
            site: suppressed.alert.site,
            alerts: Self.describe([suppressed.alert]),
            reason: suppressed.suppression.reason + ": " + suppressed.suppression.detail
        )
    }
}
