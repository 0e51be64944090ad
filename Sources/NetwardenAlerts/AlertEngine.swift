import NetwardenCore
import NetwardenTelemetry

/// Evaluates alert rules over everything the daemon publishes: a pure state machine driven by
/// the samples and events it is given and the times they carry (and `tick(now:)` for absence
/// and event expiry), so every transition is unit-tested with made-up times.
///
/// Per rule and series it counts consecutive bad and good results: `for_intervals` bad ones
/// fire, `clear_intervals` good ones resolve, a value inside the hysteresis band changes
/// nothing, and a single good result among bad ones starts the count again. So input that
/// flaps between bad and good never fires, and an alert that fired does not resolve on one
/// lucky result.
public struct AlertEngine: Sendable {
    private struct SeriesState {
        var rule: AlertRule
        var labels: [Label]
        var badRun = 0
        var goodRun = 0
        var firing: Alert?
        var pendingSince: Int64?
        var lastSeen: Int64 = 0
        var seen = false
        /// The series' cadence, for absence: the longest of its last few gaps, so one early
        /// publish (a probe restarted by a reload) cannot shrink it into a false alarm.
        var interval: Int64? { recentGaps.max() }
        var recentGaps: [Int64] = []
        var lastValue = Double.nan
    }

    private struct EventState {
        var alert: Alert
        var lastEvent: Int64
    }

    public private(set) var rules: [AlertRule]
    private var series: [String: SeriesState] = [:]
    private var events: [String: EventState] = [:]

    public init(rules: [AlertRule]) { self.rules = rules }

    /// Swaps the rules (a reload). Alerts of rules that are unchanged keep their state; alerts of
    /// removed or changed rules are resolved, so nothing stays open forever.
    public mutating func replaceRules(_ new: [AlertRule], now: Int64) -> [AlertTransition] {
        let kept = Set(new.filter { rule in rules.contains(rule) }.map(\.name))
        var transitions: [AlertTransition] = []
        for (key, state) in series where !kept.contains(Self.ruleName(of: key)) {
            if let alert = state.firing {
                transitions.append(.init(kind: .resolved, alert: alert, atMilliseconds: now))
            }
            series.removeValue(forKey: key)
        }
        for (key, state) in events where !kept.contains(state.alert.rule) {
            transitions.append(.init(kind: .resolved, alert: state.alert, atMilliseconds: now))
            events.removeValue(forKey: key)
        }
        rules = new
        return transitions.sorted { $0.alert.key < $1.alert.key }
    }

    /// Every alert that is pending or firing now, firing first, then by key.
    public var open: [Alert] {
        var alerts: [Alert] = events.values.map(\.alert)
        for state in series.values {
            if let firing = state.firing {
                alerts.append(firing)
            } else if state.badRun > 0, let since = state.pendingSince {
                alerts.append(
                    Alert(
                        key: Self.key(rule: state.rule.name, labels: Array(state.labels.dropFirst())),
                        rule: state.rule.name,
                        labels: state.labels,
                        severity: state.rule.severity,
                        state: .pending,
                        sinceMilliseconds: since,
                        evidence: "\(state.badRun) of \(state.rule.forIntervals) bad results"
                    )
                )
            }
        }
        return alerts.sorted { ($0.state == .firing ? 0 : 1, $0.key) < ($1.state == .firing ? 0 : 1, $1.key) }
    }

    /// Feeds one publish of samples.
    public mutating func observe(_ group: SampleGroup) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        for observation in group.observations {
            for rule in rules where rule.metric == observation.family.name && rule.matches(observation.labels) {
                observe(observation, rule: rule, at: group.timestampMilliseconds, into: &transitions)
            }
        }
        return transitions
    }

    private mutating func observe(
        _ observation: Observation,
        rule: AlertRule,
        at time: Int64,
        into transitions: inout [AlertTransition]
    ) {
        let labels = [Label("alertname", rule.name)] + observation.labels
        let key = Self.key(rule: rule.name, labels: observation.labels)
        var state = series[key] ?? SeriesState(rule: rule, labels: labels)
        let previous = state.seen ? (value: state.lastValue, time: state.lastSeen) : nil
        if state.seen && time > state.lastSeen {
            state.recentGaps.append(time - state.lastSeen)
            if state.recentGaps.count > 4 { state.recentGaps.removeFirst() }
        }
        state.lastSeen = state.seen ? max(state.lastSeen, time) : time
        state.seen = true
        state.lastValue = observation.value
        defer { series[key] = state }

        var judged = observation
        if rule.rate {
            // A counter's per-second increase since the previous sample; the first sample, a
            // reset (the counter went down) or a repeated timestamp gives no verdict.
            guard let previous, time > previous.time, observation.value >= previous.value else { return }
            judged.value = (observation.value - previous.value) / (Double(time - previous.time) / 1000)
        }

        if case .absent = rule.condition {
            // A sample arrived: an absence alert on this series is over (never "before" it
            // fired, even when the sample carries an older time).
            if let alert = state.firing {
                transitions.append(
                    .init(kind: .resolved, alert: alert, atMilliseconds: max(time, alert.sinceMilliseconds))
                )
                state.firing = nil
            }
            return
        }
        switch rule.judge(judged.value) {
        case .bad:
            state.goodRun = 0
            state.badRun += 1
            if state.badRun == 1 { state.pendingSince = time }
            if state.firing == nil && state.badRun >= rule.forIntervals {
                let alert = Alert(
                    key: key,
                    rule: rule.name,
                    labels: labels,
                    severity: rule.severity,
                    state: .firing,
                    sinceMilliseconds: time,
                    evidence: Self.evidence(rule, judged, runs: state.badRun)
                )
                state.firing = alert
                transitions.append(.init(kind: .firing, alert: alert, atMilliseconds: time))
            }
        case .good:
            state.badRun = 0
            state.pendingSince = nil
            guard var alert = state.firing else { return }
            state.goodRun += 1
            if state.goodRun >= rule.clearIntervals {
                alert.evidence = Self.evidence(rule, judged, runs: state.goodRun, resolved: true)
                transitions.append(.init(kind: .resolved, alert: alert, atMilliseconds: time))
                state.firing = nil
                state.goodRun = 0
            }
        case .neutral:
            // Inside the hysteresis band: neither a bad nor a good result, so neither run grows.
            break
        }
    }

    /// Feeds one event (alert events themselves are ignored, so alerts never feed alerts).
    public mutating func observe(_ event: TelemetryEvent) -> [AlertTransition] {
        guard event.kind != AlertTransition.firingKind && event.kind != AlertTransition.resolvedKind else { return [] }
        var transitions: [AlertTransition] = []
        for rule in rules where rule.matches(kind: event.kind.rawValue) && rule.matches(event.attributes) {
            var labels = [Label("alertname", rule.name), Label("kind", event.kind.rawValue)]
            if let category = event[attribute: "category"] { labels.append(Label("category", category)) }
            let key = Self.key(rule: rule.name, labels: Array(labels.dropFirst()))
            if var state = events[key] {
                state.lastEvent = max(state.lastEvent, event.timestampMilliseconds)
                events[key] = state
                continue
            }
            let alert = Alert(
                key: key,
                rule: rule.name,
                labels: labels,
                severity: rule.severity,
                state: .firing,
                sinceMilliseconds: event.timestampMilliseconds,
                evidence: "\(event.kind.rawValue) \(event.subject): \(event.evidence)"
            )
            events[key] = EventState(alert: alert, lastEvent: event.timestampMilliseconds)
            transitions.append(.init(kind: .firing, alert: alert, atMilliseconds: event.timestampMilliseconds))
        }
        return transitions
    }

    /// Time passing: fires absence alerts for series that stopped reporting and resolves event
    /// alerts whose quiet period has run out.
    public mutating func tick(now: Int64) -> [AlertTransition] {
        var transitions: [AlertTransition] = []
        // A threshold series that stopped being published (a probe removed by a reload, an
        // interface that went away, a label value that changed) can never get the good results
        // that resolve it: after a few of its intervals (at least five minutes) it is resolved
        // as gone and forgotten, so no alert stays open forever and the map does not grow.
        for (key, state) in series {
            guard case .threshold = state.rule.condition else { continue }
            let rule = state.rule
            let interval = state.interval ?? 60_000
            let limit = max(interval * Int64(max(rule.forIntervals, rule.clearIntervals, 3)), Self.staleAfterMinimum)
            guard now - state.lastSeen > limit else { continue }
            if var alert = state.firing {
                alert.evidence = "\(rule.metric) no longer reported for \((now - state.lastSeen) / 1000) s"
                transitions.append(.init(kind: .resolved, alert: alert, atMilliseconds: now))
            }
            series.removeValue(forKey: key)
        }
        for rule in rules {
            guard case .absent(let intervals) = rule.condition else { continue }
            for (key, var state) in series where Self.ruleName(of: key) == rule.name && state.firing == nil {
                guard let interval = state.interval, now - state.lastSeen > interval * Int64(intervals) else {
                    continue
                }
                let alert = Alert(
                    key: key,
                    rule: rule.name,
                    labels: state.labels,
                    severity: rule.severity,
                    state: .firing,
                    sinceMilliseconds: now,
                    evidence:
                        "no \(rule.metric) for \((now - state.lastSeen) / 1000) s (\(intervals) intervals of \(interval / 1000) s)"
                )
                state.firing = alert
                series[key] = state
                transitions.append(.init(kind: .firing, alert: alert, atMilliseconds: now))
            }
        }
        for (key, state) in events {
            guard let rule = rules.first(where: { $0.name == state.alert.rule }),
                case .event(_, let clearAfter) = rule.condition
            else { continue }
            if now - state.lastEvent >= Self.milliseconds(clearAfter) {
                var alert = state.alert
                alert.evidence =
                    "no further \(alert.labels.first { $0.name == "kind" }?.value ?? "event") for \(Self.milliseconds(clearAfter) / 1000) s"
                transitions.append(.init(kind: .resolved, alert: alert, atMilliseconds: now))
                events.removeValue(forKey: key)
            }
        }
        return transitions.sorted { $0.alert.key < $1.alert.key }
    }

    // MARK: helpers

    /// The shortest silence after which a threshold series counts as gone.
    static let staleAfterMinimum: Int64 = 300_000

    /// `rule|name=value,...` with the series' labels sorted: stable whatever order they came in.
    static func key(rule: String, labels: [Label]) -> String {
        rule + "|" + labels.sortedByName().map { "\($0.name)=\($0.value)" }.joined(separator: ",")
    }

    static func ruleName(of key: String) -> String { String(key.prefix { $0 != "|" }) }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    static func evidence(_ rule: AlertRule, _ observation: Observation, runs: Int, resolved: Bool = false) -> String {
        let series = SeriesKey(name: observation.family.name, labels: observation.labels).description
        let value = PrometheusTextEncoder.formatValue(observation.value)
        var text = rule.rate ? "rate(\(series)) = \(value)/s" : "\(series) = \(value)"
        if case .threshold(let direction, let fire, let clear) = rule.condition {
            let limit = resolved ? clear : fire
            let word = resolved ? (direction == .below ? "at or above" : "at or below") : direction.rawValue
            text += " (\(word) \(PrometheusTextEncoder.formatValue(limit))) for \(runs) interval\(runs == 1 ? "" : "s")"
        }
        if !rule.summary.isEmpty && !resolved { text = rule.summary + ": " + text }
        return text
    }
}
