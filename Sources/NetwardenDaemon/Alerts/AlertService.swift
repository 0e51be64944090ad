import Logging
import NetwardenAlerts
import NetwardenCore
import NetwardenTelemetry
import ServiceLifecycle
import Synchronization

/// Runs the alert rules over everything the hub publishes: a hub sink that feeds each sample
/// group and event to the `AlertEngine`, and a once-a-second tick for absence and event expiry.
///
/// Transitions become `alert_firing` / `alert_resolved` events through the hub (so they are
/// spooled and delivered like everything else, and reach Loki and the collector even after an
/// outage) and one log line each. A reload that changes `[alerts]` swaps the rules; alerts of
/// unchanged rules keep their state.
public final class AlertService: Service, TelemetrySink {
    private let engine: Mutex<AlertEngine>
    /// The rules the engine was built with, so a reload between `init` and `run` is noticed.
    private let initialRules: [AlertRuleSettings]
    private let hub: TelemetryHub
    private let store: SettingsStore
    private let logger: Logger

    public init(store: SettingsStore, hub: TelemetryHub, logger: Logger) {
        self.store = store
        self.hub = hub
        var logger = logger
        logger[metadataKey: "component"] = "alerts"
        self.logger = logger
        initialRules = store.current.alerts.effectiveRules
        engine = Mutex(AlertEngine(rules: initialRules.map(AlertRule.init)))
        hub.add(sink: self)
    }

    /// Pending and firing alerts now (for `netwarden status`).
    public var open: [Alert] { engine.withLock { $0.open } }

    public func write(_ records: [TelemetryRecord]) {
        let transitions = engine.withLock { engine in
            records.flatMap { record -> [AlertTransition] in
                switch record {
                case .samples(let group): engine.observe(group)
                case .event(let event): engine.observe(event)
                }
            }
        }
        announce(transitions)
    }

    public func run() async throws {
        var rules = initialRules
        logger.info("alert rules loaded", metadata: ["rules": "\(rules.map(\.name).joined(separator: ","))"])
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(for: .seconds(1))
            let now = hub.clock.nowMilliseconds()
            let current = store.current.alerts.effectiveRules
            if current != rules {
                rules = current
                let resolved = engine.withLock { $0.replaceRules(current.map(AlertRule.init), now: now) }
                logger.notice(
                    "alert rules reloaded",
                    metadata: ["rules": "\(rules.map(\.name).joined(separator: ","))"]
                )
                announce(resolved)
            }
            announce(engine.withLock { $0.tick(now: now) })
        }
    }

    private func announce(_ transitions: [AlertTransition]) {
        guard !transitions.isEmpty else { return }
        for transition in transitions {
            let alert = transition.alert
            var metadata: Logger.Metadata = ["alert": "\(alert.rule)", "evidence": "\(alert.evidence)"]
            for label in alert.labels.dropFirst() { metadata[label.name] = "\(label.value)" }
            switch transition.kind {
            case .firing:
                logger.log(level: Self.level(alert.severity), "alert firing", metadata: metadata)
            case .resolved:
                logger.notice("alert resolved", metadata: metadata)
            }
        }
        // Outside the engine's lock: the hub hands these events back to this sink, which
        // ignores alert events.
        hub.report(transitions.map(\.draft))
    }

    static func level(_ severity: LogSeverity) -> Logger.Level {
        switch severity {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}

extension AlertRule {
    /// A rule as the engine runs it, from its config block.
    init(_ settings: AlertRuleSettings) {
        let condition: Condition
        switch settings.trigger {
        case .below(let fire, let clear): condition = .threshold(direction: .below, fire: fire, clear: clear)
        case .above(let fire, let clear): condition = .threshold(direction: .above, fire: fire, clear: clear)
        case .absent(let intervals): condition = .absent(intervals: intervals)
        case .event(let kinds, let clearAfter): condition = .event(kinds: kinds, clearAfter: clearAfter)
        }
        self.init(
            name: settings.name,
            metric: settings.metric,
            match: settings.match,
            condition: condition,
            rate: settings.rate,
            forIntervals: settings.forIntervals,
            clearIntervals: settings.clearIntervals,
            severity: settings.severity,
            summary: settings.summary
        )
    }
}
