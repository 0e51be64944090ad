import FoundationEssentials
import Logging
import NetwardenCompliance
import NetwardenCore
import NetwardenFiltering
import NetwardenTelemetry
import ServiceLifecycle

/// Runs `[filter_tests]` every `interval_seconds`, its checks spread over the interval so
/// canaries never burst through the filter, and reports through the hub: per-check status
/// gauges, counts per category, vantage and status, an event on every change of a check's state,
/// and a `filter_compliance` event per check run that the spool delivers as evidence. The same
/// records are appended to the local hash-chained ``ComplianceLog``.
public struct FilterTestService: Service {
    private let store: SettingsStore
    private let hub: TelemetryHub
    private let logger: Logger
    private let transport: (any FilterTestTransport)?
    /// How long a run may take at most: the interval, unless a test wants runs back to back.
    private let spread: @Sendable (Duration, Int) -> Duration

    public init(
        store: SettingsStore,
        hub: TelemetryHub,
        logger: Logger,
        transport: (any FilterTestTransport)? = nil,
        spread: (@Sendable (Duration, Int) -> Duration)? = nil
    ) {
        self.store = store
        self.hub = hub
        var logger = logger
        logger[metadataKey: "component"] = "filter-tests"
        self.logger = logger
        self.transport = transport
        // Half the interval, split evenly between checks, capped so a short list still finishes
        // promptly; the other half leaves room for slow checks.
        self.spread = spread ?? { interval, checks in min(interval / 2 / max(checks, 1), .seconds(60)) }
    }

    public static let scope = "filter_tests"

    public func run() async throws {
        var previous: [String: FilterCheckResult.Status] = [:]
        var runNumber = Int(Date().timeIntervalSince1970) / 3600
        var log: ComplianceLog?
        var runs = 0
        while !ShutdownAware.shouldStop {
            let settings = store.current
            let section = settings.filterTests
            guard section.enabled else {
                await ShutdownAware.sleep(for: .seconds(1))
                continue
            }
            if log == nil {
                do {
                    let opened = try ComplianceLog(stateDirectory: settings.stateDirectory)
                    if let broken = opened.brokenAt {
                        logger.error(
                            "compliance log chain broken; set aside and restarted",
                            metadata: ["path": "\(opened.path)", "where": "\(broken)"]
                        )
                    }
                    log = opened
                } catch {
                    logger.error("cannot open the compliance log", metadata: ["error": "\(error)"])
                }
            }
            let started = ContinuousClock.now
            let setup: FilterTestSetup
            switch FilterTestSetup.load(section, run: runNumber, transport: transport) {
            case .success(let loaded): setup = loaded
            case .failure(let failure):
                for line in failure.lines { logger.error("filter tests cannot run", metadata: ["problem": "\(line)"]) }
                await sleepUntilNextRun(from: started, interval: section.interval)
                continue
            }
            for warning in setup.warnings { logger.warning("filter tests", metadata: ["warning": "\(warning)"]) }
            runNumber += 1
            let runID = "\(hub.identity.gateway)-\(hub.clock.nowMilliseconds())"
            let plans = setup.plan.split()
            let spacing = spread(section.interval, plans.count)
            var results: [FilterCheckResult] = []
            for (index, plan) in plans.enumerated() {
                if ShutdownAware.shouldStop || store.current.filterTests != section { break }
                if index > 0 { await ShutdownAware.sleep(for: spacing) }
                let suite = setup.suite
                let checked = await BlockingWork.run("filter-test") { suite.run(plan) }
                for result in checked {
                    record(
                        result,
                        previous: previous[result.checkID],
                        runID: runID,
                        site: settings.identity.site,
                        log: log
                    )
                    previous[result.checkID] = result.status
                }
                results += checked
            }
            runs += 1
            publish(results, runs: runs)
            let summary = FilterTestSummary(results)
            logger.info(
                "filter test run finished",
                metadata: [
                    "pass": "\(summary.pass)", "fail": "\(summary.fail)", "inconclusive": "\(summary.inconclusive)",
                ]
            )
            await sleepUntilNextRun(from: started, interval: section.interval)
        }
    }

    private func sleepUntilNextRun(from started: ContinuousClock.Instant, interval: Duration) async {
        let section = store.current.filterTests
        while !ShutdownAware.shouldStop, ContinuousClock.now < started + interval {
            // A reload that changes the tests starts a new run now.
            if store.current.filterTests != section { return }
            await ShutdownAware.sleep(for: min(.seconds(1), started + interval - ContinuousClock.now))
        }
    }

    /// The evidence record (event and local log) for one check, plus a state-change event.
    private func record(
        _ result: FilterCheckResult,
        previous: FilterCheckResult.Status?,
        runID: String,
        site: String,
        log: ComplianceLog?
    ) {
        let time = Date().formatted(.iso8601)
        let fields = ComplianceChain.record(result, runID: runID, time: time, site: site)
        // Every sealed field, exactly as sealed, plus the chain links: the collector rebuilds the
        // line from these and verifies the hash on export (evidence that nothing was edited there).
        var attributes = fields.map { Label($0.0, $0.1) }
        if let log {
            do {
                let lines = try log.append([result], runID: runID, time: time, site: site)
                if let line = lines.last, let range = line.firstRange(of: ",\"hash\":\"") {
                    attributes.append(Label("prev", String(line.dropFirst("{\"prev\":\"".count).prefix(64))))
                    attributes.append(Label("hash", String(line[range.upperBound...].prefix(64))))
                }
            } catch {
                logger.error("cannot append to the compliance log", metadata: ["error": "\(error)"])
            }
        }
        let evidence = result.evidence.joined(separator: "; ")
        hub.report(
            EventDraft(
                kind: EventKind("filter_compliance"),
                severity: .info,
                subject: "\(result.kind.rawValue) \(result.name) from \(result.vantage): \(result.status.rawValue)",
                evidence: evidence,
                attributes: attributes
            )
        )
        guard previous != result.status else { return }
        let kind: String?
        let severity: LogSeverity
        switch result.status {
        case .fail:
            kind =
                result.overBlocking
                ? "over_blocking" : (result.kind == .safeSearch ? "safe_search_off" : "filter_test_failed")
            severity = .error
        case .inconclusive:
            kind = "filter_test_inconclusive"
            severity = .warning
        case .pass:
            // A first pass is not news; a recovery is.
            kind = previous == nil ? nil : "filter_test_passed"
            severity = .notice
        }
        guard let kind else { return }
        let labels: [Label] = [
            Label("check", result.name), Label("check_kind", result.kind.rawValue),
            Label("category", result.category), Label("vantage", result.vantage),
            Label("status", result.status.rawValue),
        ]
        hub.report(
            EventDraft(
                kind: EventKind(kind),
                severity: severity,
                subject: "\(result.kind.rawValue) \(result.name) from \(result.vantage)",
                evidence: evidence,
                attributes: labels
            )
        )
        logger.log(
            level: severity == .error ? .error : (severity == .warning ? .warning : .notice),
            "filter check changed",
            metadata: ["check": "\(result.checkID)", "status": "\(result.status.rawValue)", "event": "\(kind)"]
        )
    }

    private func publish(_ results: [FilterCheckResult], runs: Int) {
        var observations: [Observation] = []
        var counts: [[String]: Int] = [:]
        for result in results {
            let labels = [
                Label("check", result.name), Label("kind", result.kind.rawValue), Label("category", result.category),
                Label("vantage", result.vantage),
            ]
            for status in FilterCheckResult.Status.allCases {
                observations.append(
                    Observation(
                        .filterTestStatus,
                        status == result.status ? 1 : 0,
                        labels + [Label("status", status.rawValue)]
                    )
                )
            }
            observations.append(Observation(.filterTestDuration, result.durationSeconds, labels))
            counts[[result.category, result.vantage, result.status.rawValue], default: 0] += 1
        }
        for (key, count) in counts.sorted(by: { $0.key.joined() < $1.key.joined() }) {
            observations.append(
                Observation(
                    .filterTestChecks,
                    Double(count),
                    [Label("category", key[0]), Label("vantage", key[1]), Label("status", key[2])]
                )
            )
        }
        observations.append(Observation(.filterTestLastRun, Double(hub.clock.nowMilliseconds()) / 1000))
        observations.append(Observation(.filterTestRuns, Double(runs)))
        hub.publish(scope: Self.scope, observations)
    }
}
