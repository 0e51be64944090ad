/// One `alert_firing` / `alert_resolved` event as the routing engine reads it (from the events
/// table, or made up by the collector itself for `school_offline`).
public struct AlertInput: Sendable, Equatable {
    public var trust: String
    public var site: String
    public var gateway: String
    public var alertname: String
    public var firing: Bool
    /// The series' own labels (`probe`, `target`, ...), in the order sent.
    public var seriesLabels: [(name: String, value: String)]
    /// The rule's severity (on a resolution the daemon sends `notice`; the engine keeps the
    /// firing one).
    public var severity: String
    public var evidence: String
    /// When the alert started firing on the gateway (the `since` attribute).
    public var startsAt: Int64
    /// The event's own time: when the gateway decided the transition.
    public var eventTime: Int64
    /// When the collector stored it.
    public var receivedAt: Int64

    public init(
        trust: String,
        site: String,
        gateway: String,
        alertname: String,
        firing: Bool,
        seriesLabels: [(name: String, value: String)] = [],
        severity: String,
        evidence: String = "",
        startsAt: Int64,
        eventTime: Int64,
        receivedAt: Int64
    ) {
        self.trust = trust
        self.site = site
        self.gateway = gateway
        self.alertname = alertname
        self.firing = firing
        self.seriesLabels = seriesLabels
        self.severity = severity
        self.evidence = evidence
        self.startsAt = startsAt
        self.eventTime = eventTime
        self.receivedAt = receivedAt
    }

    public static func == (lhs: AlertInput, rhs: AlertInput) -> Bool {
        lhs.trust == rhs.trust && lhs.site == rhs.site && lhs.gateway == rhs.gateway
            && lhs.alertname == rhs.alertname && lhs.firing == rhs.firing && lhs.severity == rhs.severity
            && lhs.evidence == rhs.evidence && lhs.startsAt == rhs.startsAt && lhs.eventTime == rhs.eventTime
            && lhs.receivedAt == rhs.receivedAt && lhs.seriesLabels.count == rhs.seriesLabels.count
            && zip(lhs.seriesLabels, rhs.seriesLabels).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    /// Reads a stored event: kind `alert_firing`/`alert_resolved`, subject the rule, attributes
    /// `alertname`, the series' labels, `state`, `since`. Nil for any other event.
    public static func from(
        kind: String,
        trust: String,
        site: String,
        gateway: String,
        severity: String,
        subject: String,
        evidence: String,
        attributes: [(name: String, value: String)],
        eventTime: Int64,
        receivedAt: Int64
    ) -> AlertInput? {
        guard kind == "alert_firing" || kind == "alert_resolved" else { return nil }
        var name = subject
        var since = eventTime
        var labels: [(name: String, value: String)] = []
        for attribute in attributes {
            switch attribute.name {
            case "alertname": name = attribute.value
            case "since": since = Int64(attribute.value) ?? eventTime
            case "state", "trust", "site", "gateway", "severity": continue
            default: labels.append(attribute)
            }
        }
        guard !name.isEmpty else { return nil }
        return AlertInput(
            trust: trust,
            site: site,
            gateway: gateway,
            alertname: name,
            firing: kind == "alert_firing",
            seriesLabels: labels,
            severity: severity,
            evidence: evidence,
            startsAt: since,
            eventTime: eventTime,
            receivedAt: receivedAt
        )
    }
}
