import Logging
import NetwardenCore
import NetwardenTelemetry
import ServiceLifecycle
import Synchronization

/// Runs every configured probe on its own cadence and publishes each outcome to the hub
/// (scope `probe:NAME`) with run and failure counters. Whether a failing probe is worth an
/// alert is the alert rules' call (`probe_down`); the journal still gets one line per change.
///
/// Each probe has its own loop (and each run its own thread, see `BlockingWork`), so a target
/// that times out never delays the others. Start times are spread across the first interval so
/// twenty probes do not fire in the same millisecond. Logs carry transitions only (failed,
/// recovered), not every run: a technician tailing the journal sees changes, not noise.
public struct ProbeSchedulerService: Service {
    private let store: SettingsStore
    private let runner: ProbeRunner
    private let hub: TelemetryHub
    private let counters = ProbeCounters()
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let logger: Logger

    public init(
        store: SettingsStore,
        runner: ProbeRunner = ProbeRunner(),
        hub: TelemetryHub,
        liveness: LivenessMonitor,
        status: DaemonStatus,
        logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.hub = hub
        self.liveness = liveness
        self.status = status
        var logger = logger
        logger[metadataKey: "component"] = "probes"
        self.logger = logger
    }

    static func livenessName(_ spec: ProbeSpec) -> String { "probe:" + spec.name }

    /// The hub scope a probe publishes under.
    static func scope(_ spec: ProbeSpec) -> String { "probe:" + spec.name }

    /// How long a probe loop may go without finishing a run before the watchdog calls it stuck.
    static func allowance(_ spec: ProbeSpec) -> Duration {
        spec.interval * 2 + spec.longestRun * 2 + .seconds(30)
    }

    public func run() async throws {
        var running: [ProbeSpec] = []
        while !ShutdownAware.shouldStop {
            let specs = store.current.probes
            for old in running where !specs.contains(where: { $0.name == old.name }) {
                liveness.unregister(Self.livenessName(old))
                hub.retire(scope: Self.scope(old))
                counters.forget(old.name)
            }
            for spec in specs {
                liveness.register(Self.livenessName(spec), maxSilence: Self.allowance(spec), gatesReadiness: false)
            }
            running = specs
            if !specs.isEmpty {
                logger.info(
                    "probes scheduled",
                    metadata: ["count": "\(specs.count)", "probes": "\(specs.map(\.name).joined(separator: ","))"]
                )
            }
            status.update {
                $0.probesConfigured = specs.count
                $0.probesFailing = 0
            }
            await withTaskGroup(of: Void.self) { group in
                for (index, spec) in specs.enumerated() {
                    // Spread the first runs over the shortest interval (capped at 5 s: the first
                    // results should not wait long after start).
                    let offset = min(spec.interval, .seconds(5)) * (Double(index) / Double(max(specs.count, 1)))
                    group.addTask { await loop(spec, startOffset: offset) }
                }
                // Restart the loops when a reload changes the probe set.
                group.addTask {
                    while !ShutdownAware.shouldStop && store.current.probes == specs {
                        await ShutdownAware.sleep(for: .milliseconds(500))
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
    }

    private func loop(_ spec: ProbeSpec, startOffset: Duration) async {
        var lastReason: ProbeFailureReason?? = .none  // nil = no run yet
        await ShutdownAware.sleep(for: startOffset)
        var next = ContinuousClock.now
        while !ShutdownAware.shouldStop {
            let outcome = await runner.run(spec)
            if Task.isCancelled { return }
            liveness.beat(Self.livenessName(spec))
            let counted = counters.record(outcome)
            var observations = outcome.observations
            let labels = ProbeOutcome.labels(of: spec)
            observations.append(Observation(.probeRuns, Double(counted.runs), labels))
            for (reason, count) in counted.failures.sorted(by: { $0.key < $1.key }) {
                observations.append(Observation(.probeFailures, Double(count), labels + [Label("reason", reason)]))
            }
            hub.publish(scope: Self.scope(spec), observations)
            report(outcome, previous: lastReason)
            lastReason = .some(outcome.reason)
            // Fixed cadence from the planned start, not from the end of the run, so intervals stay
            // regular; if a run overran, start the next one now rather than bunching up.
            next += spec.interval
            let now = ContinuousClock.now
            if next < now { next = now }
            await ShutdownAware.sleep(until: next)
        }
    }

    private func report(_ outcome: ProbeOutcome, previous: ProbeFailureReason??) {
        var metadata: Logger.Metadata = [
            "probe": "\(outcome.spec.name)", "kind": "\(outcome.spec.kind.rawValue)",
            "target": "\(outcome.spec.target)",
        ]
        if let interface = outcome.spec.interface { metadata["interface"] = "\(interface)" }
        let wasFailing: Bool? = previous.map { $0 != nil }
        if let reason = outcome.reason {
            metadata["reason"] = "\(reason.rawValue)"
            if let detail = outcome.detail { metadata["detail"] = "\(detail)" }
            if wasFailing != true {
                logger.warning("probe failed", metadata: metadata)
                status.update { $0.probesFailing += 1 }
            } else {
                logger.debug("probe still failing", metadata: metadata)
            }
        } else {
            if wasFailing == true {
                logger.notice("probe recovered", metadata: metadata)
                status.update { $0.probesFailing = max(0, $0.probesFailing - 1) }
            } else if wasFailing == nil {
                logger.info("probe ok", metadata: metadata)
            }
        }
    }
}

/// Run and failure totals per probe, kept across reloads (a counter that restarts with every
/// reload would read as a reset to every engine).
final class ProbeCounters: Sendable {
    struct Totals: Sendable {
        var runs = 0
        var failures: [String: Int] = [:]
    }

    private let state = Mutex<[String: Totals]>([:])

    /// Counts `outcome` and returns the probe's totals after it.
    func record(_ outcome: ProbeOutcome) -> Totals {
        state.withLock { state in
            var totals = state[outcome.spec.name] ?? Totals()
            totals.runs += 1
            if let reason = outcome.reason { totals.failures[reason.rawValue, default: 0] += 1 }
            state[outcome.spec.name] = totals
            return totals
        }
    }

    func forget(_ name: String) { _ = state.withLock { $0.removeValue(forKey: name) } }
}
