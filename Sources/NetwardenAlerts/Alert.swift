import NetwardenCore
import NetwardenTelemetry

/// One alert instance: a rule applied to one series (or one event subject).
public struct Alert: Sendable, Equatable {
    public enum State: String, Sendable {
        /// Bad results seen, not yet `for_intervals` of them.
        case pending
        case firing
    }

    /// Stable across restarts of the evaluation: the rule name and the series' labels.
    public var key: String
    public var rule: String
    /// `alertname` first, then the series' own labels (identity is added by the hub).
    public var labels: [Label]
    public var severity: LogSeverity
    public var state: State
    /// When the current state began (wall-clock milliseconds).
    public var sinceMilliseconds: Int64
    /// What tripped it, in words: `probe_success{probe="vle"} = 0 (below 1) for 3 intervals`.
    public var evidence: String

    public init(
        key: String,
        rule: String,
        labels: [Label],
        severity: LogSeverity,
        state: State,
        sinceMilliseconds: Int64,
        evidence: String
    ) {
        self.key = key
        self.rule = rule
        self.labels = labels
        self.severity = severity
        self.state = state
        self.sinceMilliseconds = sinceMilliseconds
        self.evidence = evidence
    }
}

/// A change the outside world hears about: an alert started firing or resolved.
public struct AlertTransition: Sendable, Equatable {
    public enum Kind: String, Sendable {
        case firing
        case resolved
    }

    public var kind: Kind
    public var alert: Alert
    /// When it happened (wall-clock milliseconds): the sample or event time that decided it.
    public var atMilliseconds: Int64

    public init(kind: Kind, alert: Alert, atMilliseconds: Int64) {
        self.kind = kind
        self.alert = alert
        self.atMilliseconds = atMilliseconds
    }

    /// The event kinds transitions travel as.
    public static let firingKind = EventKind.alertFiring
    public static let resolvedKind = EventKind.alertResolved

    /// The transition as an event for the hub: a stable id (the alert key and when it started
    /// firing), the rule's severity for firing and `notice` for resolved.
    public var draft: EventDraft {
        var attributes = alert.labels
        attributes.append(Label("state", kind == .firing ? "firing" : "resolved"))
        attributes.append(Label("since", String(alert.sinceMilliseconds)))
        return EventDraft(
            id: "a-" + Self.hash(alert.key) + "-" + String(alert.sinceMilliseconds) + (kind == .firing ? "" : "-r"),
            timestampMilliseconds: atMilliseconds,
            kind: kind == .firing ? Self.firingKind : Self.resolvedKind,
            severity: kind == .firing ? alert.severity : .notice,
            subject: alert.rule,
            evidence: alert.evidence,
            attributes: attributes
        )
    }

    /// FNV-1a over the key, as 16 hex digits: short, stable, no dependency.
    static func hash(_ text: String) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            value ^= UInt64(byte)
            value &*= 0x100_0000_01b3
        }
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
