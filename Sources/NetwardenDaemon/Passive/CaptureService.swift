import Logging
import NetwardenCapture
import NetwardenCore
import NetwardenFiltering
import NetwardenInspection
import NetwardenPlatform
import NetwardenProtocols
import NetwardenTelemetry
import ServiceLifecycle
import Synchronization

/// Live passive monitoring: one capture thread per interface running `PassivePipeline`.
///
/// Filter events go to the hub as events; leaks and bypass are also logged (the judge
/// debounces them), blocked attempts only counted. Capture, engine and judge counters are
/// published (scope `capture`) on the link interval. A reload that changes only the category lists swaps them into
/// the running judges with no gap; any other change to `[capture]` or `[filter]` restarts the
/// capture threads with the new settings.
public struct CaptureService: Service {
    public static let livenessName = "capture"
    public static let scope = "capture"

    private let store: SettingsStore
    private let hub: TelemetryHub
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let logger: Logger

    public init(
        store: SettingsStore,
        hub: TelemetryHub,
        liveness: LivenessMonitor,
        status: DaemonStatus,
        logger: Logger
    ) {
        self.store = store
        self.hub = hub
        self.liveness = liveness
        self.status = status
        var logger = logger
        logger[metadataKey: "component"] = "capture"
        self.logger = logger
    }

    public func run() async throws {
        while !ShutdownAware.shouldStop {
            let settings = store.current
            guard settings.capture.enabled else {
                liveness.unregister(Self.livenessName)
                await waitForChange(from: settings)
                continue
            }
            let interfaces = settings.capture.interfaces.isEmpty ? settings.lan : settings.capture.interfaces
            guard !interfaces.isEmpty else {
                logger.warning(
                    "capture is enabled but no interface is set: add [capture] interfaces or [interfaces] lan"
                )
                await waitForChange(from: settings)
                continue
            }
            let setup: FilterSetup
            switch FilterSetup.load(
                settings.filter,
                site: settings.identity.site,
                stateDirectory: settings.stateDirectory
            ) {
            case .success(let loaded): setup = loaded
            case .failure(let failure):
                for line in failure.lines { logger.error("\(line)") }
                logger.error("capture not started: the filter lists could not be loaded")
                await waitForChange(from: settings)
                continue
            }
            for warning in setup.warnings.prefix(20) { logger.warning("\(warning)") }
            logger.notice(
                "capture starting",
                metadata: [
                    "interfaces": "\(interfaces.joined(separator: ","))",
                    "sample_one_in": "\(settings.capture.sampleOneIn)",
                    "categories": "\(setup.domainsPerCategory.map { "\($0.0):\($0.1)" }.joined(separator: ","))",
                ]
            )
            liveness.register(
                Self.livenessName,
                maxSilence: settings.linkInterval * 3 + .seconds(10),
                gatesReadiness: false
            )
            await runCapture(settings: settings, interfaces: interfaces, setup: setup)
        }
    }

    /// Sleeps until the capture-relevant settings change (or shutdown).
    private func waitForChange(from settings: RuntimeSettings) async {
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(for: .milliseconds(500))
            let current = store.current
            if current.capture != settings.capture || current.filter != settings.filter || current.lan != settings.lan {
                return
            }
        }
    }

    private func runCapture(settings: RuntimeSettings, interfaces: [String], setup: FilterSetup) async {
        defer { hub.retire(scope: Self.scope) }
        let shared = CaptureShared(interfaces: interfaces)
        let lists = setup.judge.categories
        await withTaskGroup(of: Void.self) { group in
            // Each thread gets its own judge (debounce state is per thread) over shared lists.
            let judgeSettings = setup.judge.settings
            let pseudonymizer = setup.judge.pseudonymizer
            for interface in interfaces {
                group.addTask {
                    await captureLoop(
                        interface: interface,
                        settings: settings,
                        judge: JudgeParts(settings: judgeSettings, lists: lists, pseudonymizer: pseudonymizer),
                        shared: shared
                    )
                }
            }
            // Drains events and publishes metrics; returns when settings change or on shutdown.
            group.addTask {
                await supervise(settings: settings, lists: lists, shared: shared)
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// What a capture thread needs to build its own judge.
    struct JudgeParts: Sendable {
        var settings: FilterJudgeSettings
        var lists: ReloadableCategoryMatcher
        var pseudonymizer: ClientPseudonymizer
    }

    private func captureLoop(
        interface: String,
        settings: RuntimeSettings,
        judge parts: JudgeParts,
        shared: CaptureShared
    ) async {
        let options = LiveCaptureOptions(
            snapshotLength: Int32(settings.capture.snapshotBytes),
            bufferSize: Int32(clamping: settings.capture.bufferMiB << 20),
            promiscuous: settings.capture.promiscuous
        )
        let filter: CaptureFilter = settings.capture.traffic == .names ? .namesOnly : .default
        let configuration = PassivePipeline.inspectionConfiguration(settings.capture)
        do {
            try await CaptureRunner.run(threadName: "capture-\(interface)") { stop in
                let source = try LivePacketSource(interface: interface, options: options, filter: filter)
                for warning in source.activationWarnings { shared.note(warning: "\(interface): \(warning)") }
                let judge = FilterJudge(
                    settings: parts.settings,
                    categories: parts.lists,
                    pseudonymizer: parts.pseudonymizer
                )
                var pipeline = PassivePipeline(engine: InspectionEngine(configuration: configuration), judge: judge)
                var lastExpiry = MonotonicClock.nanoseconds()
                var batch: [FilterEvent] = []
                /// Counters and the events so far, handed to the async side.
                func publish() {
                    shared.publish(
                        interface: interface,
                        capture: source.counters.snapshot,
                        engine: pipeline.engine.statistics,
                        judge: pipeline.judge?.counters,
                        events: &batch
                    )
                }
                func betweenBatches() {
                    // Once a second, busy or silent: idle expiry on the wall clock (a quiet link is
                    // when flows go idle and unanswered names are judged), then a publish.
                    let now = MonotonicClock.nanoseconds()
                    guard now - lastExpiry >= 1_000_000_000 else { return }
                    lastExpiry = now
                    pipeline.expire(now: Self.wallTime()) { batch.append($0) }
                    publish()
                }
                try source.run(until: stop, betweenBatches: betweenBatches) { packet in
                    pipeline.process(
                        frame: packet.frame,
                        linkType: packet.linkType,
                        time: packet.time,
                        onName: { _ in },
                        onEvent: { batch.append($0) }
                    )
                }
                pipeline.finish(now: Self.wallTime()) { batch.append($0) }
                publish()
            }
        } catch {
            shared.note(failure: "\(interface): \(error)")
        }
    }

    private func supervise(
        settings: RuntimeSettings,
        lists: ReloadableCategoryMatcher,
        shared: CaptureShared
    ) async {
        var nextMetrics = ContinuousClock.now + settings.linkInterval
        var reportedFailures = 0
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(for: .milliseconds(500))
            let current = store.current
            // A reload: category lists alone are swapped in place; anything else restarts.
            if current.filter != settings.filter || current.capture != settings.capture || current.lan != settings.lan {
                var onlyCategories = current.filter
                onlyCategories.categories = settings.filter.categories
                if onlyCategories == settings.filter && current.capture == settings.capture
                    && current.lan == settings.lan
                {
                    switch FilterSetup.load(
                        current.filter,
                        site: current.identity.site,
                        stateDirectory: current.stateDirectory
                    ) {
                    case .success(let setup):
                        _ = lists.replace(with: setup.judge.categories.current)
                        logger.notice(
                            "category lists reloaded",
                            metadata: [
                                "categories":
                                    "\(setup.domainsPerCategory.map { "\($0.0):\($0.1)" }.joined(separator: ","))"
                            ]
                        )
                    case .failure(let failure):
                        for line in failure.lines { logger.error("\(line)") }
                        logger.error("category lists not reloaded; keeping the running lists")
                    }
                } else {
                    logger.notice("capture settings changed; restarting capture")
                    return
                }
            }
            let drained = shared.drain()
            for warning in drained.warnings { logger.warning("\(warning)") }
            if drained.failures.count > reportedFailures {
                for failure in drained.failures.dropFirst(reportedFailures) {
                    logger.error("capture failed", metadata: ["error": "\(failure)"])
                }
                reportedFailures = drained.failures.count
            }
            if !drained.events.isEmpty {
                hub.report(drained.events.map(\.draft))
                for event in drained.events where event.kind != .blocked {
                    logger.warning(
                        "\(event.kind.rawValue)",
                        metadata: [
                            "subject": "\(event.subject)", "category": "\(event.category ?? "-")",
                            "client": "\(event.client)", "evidence": "\(event.evidence)",
                        ]
                    )
                }
            }
            if drained.failures.count < shared.interfaceCount { liveness.beat(Self.livenessName) }
            if ContinuousClock.now >= nextMetrics {
                nextMetrics = ContinuousClock.now + current.linkInterval
                hub.publish(scope: Self.scope, shared.observations())
            }
        }
    }

    static func wallTime() -> PacketTime {
        let nanoseconds = MonotonicClock.realtimeNanoseconds()
        return PacketTime(seconds: nanoseconds / 1_000_000_000, nanoseconds: Int32(nanoseconds % 1_000_000_000))
    }
}

/// What capture threads hand to the async side, under one lock: events, counters, problems.
final class CaptureShared: Sendable {
    struct PerInterface: Sendable {
        var capture = CaptureCounters.Snapshot()
        var engine = InspectionStatistics()
        var judge = FilterCounters()
    }

    private struct State {
        var events: [FilterEvent] = []
        var warnings: [String] = []
        var failures: [String] = []
        var perInterface: [String: PerInterface] = [:]
    }

    let interfaceCount: Int
    private let state = Mutex(State())

    init(interfaces: [String]) { interfaceCount = interfaces.count }

    func note(warning: String) { state.withLock { $0.warnings.append(warning) } }
    func note(failure: String) { state.withLock { $0.failures.append(failure) } }

    func publish(
        interface: String,
        capture: CaptureCounters.Snapshot,
        engine: InspectionStatistics,
        judge: FilterCounters?,
        events: inout [FilterEvent]
    ) {
        let handed = events
        events.removeAll(keepingCapacity: true)
        state.withLock { state in
            state.events += handed
            state.perInterface[interface] = PerInterface(
                capture: capture,
                engine: engine,
                judge: judge ?? FilterCounters()
            )
        }
    }

    func drain() -> (events: [FilterEvent], warnings: [String], failures: [String]) {
        state.withLock { state in
            defer {
                state.events.removeAll()
                state.warnings.removeAll()
            }
            return (state.events, state.warnings, state.failures)
        }
    }

    /// Capture and engine counters per interface, judge counters per interface too (labels).
    func observations() -> [Observation] {
        let snapshot = state.withLock { $0.perInterface }
        var out: [Observation] = []
        for (interface, counters) in snapshot.sorted(by: { $0.key < $1.key }) {
            var list = ObservationList(common: [Label("interface", interface)])
            let capture = counters.capture.statistics
            list.add(.capturePackets, Double(counters.capture.delivered))
            list.add(.captureKernelDrops, Double(capture.droppedByKernel))
            list.add(.captureInterfaceDrops, Double(capture.droppedByInterface))
            list.add(.captureTruncated, Double(counters.capture.truncated))
            let engine = counters.engine
            list.add(.inspectionFlowsActive, engine.flowsActive)
            list.add(.inspectionFlowsEvicted, engine.flowsEvictedCapacity, [Label("reason", "capacity")])
            list.add(.inspectionFlowsEvicted, engine.flowsEvictedIdle, [Label("reason", "idle")])
            list.add(.inspectionUndecodable, engine.decodeFailures.total)
            // Fragments: a flood of them, or overlaps (an evasion trick), shows up here.
            list.add(.inspectionFragments, engine.fragmentsHeld)
            list.add(.inspectionReassembled, engine.datagramsReassembled)
            for reason in IPReassembler.DropReason.allCases {
                list.add(
                    .inspectionFragmentDrops,
                    engine.fragmentDropsByReason[reason, default: 0],
                    [Label("reason", reason.name)]
                )
            }
            for (proto, count) in [
                ("dns", engine.malformedDNS), ("tls", engine.malformedTLS), ("quic", engine.malformedQUIC),
                ("http", engine.malformedHTTP),
            ] {
                list.add(.inspectionMalformed, count, [Label("proto", proto)])
            }
            list.append(contentsOf: counters.judge.observations(common: list.common))
            out += list.items
        }
        return out
    }
}
