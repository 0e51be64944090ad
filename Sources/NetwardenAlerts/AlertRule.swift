import NetwardenCore
import NetwardenTelemetry

/// One alert rule: what it watches, when it fires and when it resolves.
///
/// Three shapes, matching what a school's IT team needs to hear about:
/// - **threshold** over a metric's series, with hysteresis: `for_intervals` consecutive bad
///   results to fire, `clear_intervals` consecutive good ones to resolve, and an optional
///   separate clear threshold so a value hovering at the limit does not flap;
/// - **absence**: a series that stops reporting for `absent_intervals` of its own cadence;
/// - **event**: a filter leak, a bypass, an over-block or safe search off fires at once and
///   resolves after `clear_after_seconds` without another such event.
public struct AlertRule: Sendable, Equatable {
    public enum Direction: String, Sendable {
        /// Bad when the value is below the threshold.
        case below
        /// Bad when the value is above the threshold.
        case above
    }

    public enum Condition: Sendable, Equatable {
        /// Bad beyond `fire` (in `direction`); good only back past `clear`.
        case threshold(direction: Direction, fire: Double, clear: Double)
        /// No sample for this many of the series' own intervals.
        case absent(intervals: Int)
        /// Events whose kind equals one of these (a trailing `*` matches a prefix).
        case event(kinds: [String], clearAfter: Duration)
    }

    /// Becomes the `alertname` label.
    public var name: String
    /// The metric family name a threshold or absence rule watches (empty for event rules).
    public var metric: String
    /// Labels a series (or an event's attributes) must have to be watched; empty = all.
    public var match: [String: String]
    public var condition: Condition
    /// Judge a counter's per-second increase between consecutive samples, not its value.
    public var rate: Bool
    public var forIntervals: Int
    public var clearIntervals: Int
    public var severity: LogSeverity
    /// One line for people: what this alert means (shown in the event's evidence).
    public var summary: String

    public init(
        name: String,
        metric: String = "",
        match: [String: String] = [:],
        condition: Condition,
        rate: Bool = false,
        forIntervals: Int = 1,
        clearIntervals: Int = 1,
        severity: LogSeverity = .warning,
        summary: String = ""
    ) {
        self.name = name
        self.metric = metric
        self.match = match
        self.condition = condition
        self.rate = rate
        self.forIntervals = max(1, forIntervals)
        self.clearIntervals = max(1, clearIntervals)
        self.severity = severity
        self.summary = summary
    }

    /// Whether `labels` carry every label of `match`.
    func matches(_ labels: [Label]) -> Bool {
        match.allSatisfy { key, value in labels.contains { $0.name == key && $0.value == value } }
    }

    /// For threshold rules: whether `value` is bad, good, or in the hysteresis band (neither).
    func judge(_ value: Double) -> Verdict {
        guard case .threshold(let direction, let fire, let clear) = condition else { return .neutral }
        if value.isNaN { return .neutral }
        switch direction {
        case .below:
            if value < fire { return .bad }
            return value >= clear ? .good : .neutral
        case .above:
            if value > fire { return .bad }
            return value <= clear ? .good : .neutral
        }
    }

    enum Verdict { case bad, good, neutral }

    /// Whether an event of `kind` is one this rule fires on.
    func matches(kind: String) -> Bool {
        guard case .event(let kinds, _) = condition else { return false }
        return kinds.contains { pattern in
            pattern.hasSuffix("*") ? kind.hasPrefix(String(pattern.dropLast())) : kind == pattern
        }
    }
}
