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
/// Each interface has a worker of its own that reopens it with a capped backoff when it cannot
/// be opened or fails, so a missing interface neither stops capture on the others nor restarts
/// the whole service; each change of an interface's state is logged once and published as
/// `netwarden_capture_interface_up` and `netwarden_capture_open_failures_total`.
///
/// Filter events go to the hub as events; leaks and bypass are also logged (the judge
/// debounces them), blocked attempts only counted. Capture, engine and judge counters are
/// published (scope `capture`) on the link interval. A reload that changes only the category
/// lists swaps them into the running judges with no gap; any other change capture depends on
/// (`[capture]`, `[filter]`, LAN interfaces, `[identity]`, `state_directory`) restarts the
/// capture threads with the new settings (see ``CaptureReload``).
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
            if CaptureReload.action(from: settings, to: store.current) != .none { return }
        }
    }

    private func runCapture(settings: RuntimeSettings, interfaces: [String], setup: FilterSetup) async {
        defer {
            hub.retire(scope: Self.scope)
            status.update {
                $0.captureInterfaces = 0
                $0.captureInterfacesUp = 0
            }
        }
        let shared = CaptureShared(interfaces: interfaces)
        let lists = setup.judge.categories
        status.update {
            $0.captureInterfaces = interfaces.count
            $0.captureInterfacesUp = 0
        }
        await withTaskGroup(of: Void.self) { group in
            // Each thread gets its own judge (debounce state is per thread) over shared lists.
            let judgeSettings = setup.judge.settings
            let pseudonymizer = setup.judge.pseudonymizer
            // One worker per interface, each retrying on its own: an interface that cannot be
            // opened must not stop (or restart) capture on the others.
            for interface in interfaces {
                group.addTask {
                    await interfaceWorker(
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
            // Workers only return on shutdown, so this is the supervisor (or shutdown).
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

    /// Keeps one interface capturing: opens it, runs until it fails, waits with a capped backoff
    /// and tries again, until the task is cancelled (settings changed) or the daemon stops.
    private func interfaceWorker(
        interface: String,
        settings: RuntimeSettings,
        judge parts: JudgeParts,
        shared: CaptureShared
    ) async {
        var backoff = CaptureBackoff()
        while !ShutdownAware.shouldStop {
            let opened = Opened()
            do {
                try await captureLoop(interface: interface, settings: settings, judge: parts, shared: shared) {
                    opened.set()
                    shared.markUp(interface)
                }
                // A live capture returns without error only when asked to stop.
                if ShutdownAware.shouldStop { return }
                shared.markDown(interface, reason: "capture stopped", opening: false)
            } catch {
                if ShutdownAware.shouldStop { return }
                shared.markDown(interface, reason: Self.reason(error), opening: !opened.value)
            }
            if opened.value { backoff.reset() }
            await ShutdownAware.sleep(for: backoff.next())
        }
    }

    /// The error without the interface name in front: the log line names the interface already.
    static func reason(_ error: any Error) -> String {
        if let capture = error as? CaptureError { return capture.message }
        return "\(error)"
    }

    /// Set on the capture thread once the source is open; read after the thread finished.
    private final class Opened: Sendable {
        private let flag = Atomic<Bool>(false)
        func set() { flag.store(true, ordering: .releasing) }
        var value: Bool { flag.load(ordering: .acquiring) }
    }

    private func captureLoop(
        interface: String,
        settings: RuntimeSettings,
        judge parts: JudgeParts,
        shared: CaptureShared,
        onOpen: @escaping @Sendable () -> Void
    ) async throws {
        let options = LiveCaptureOptions(
            snapshotLength: Int32(settings.capture.snapshotBytes),
            bufferSize: Int32(clamping: settings.capture.bufferMiB << 20),
            promiscuous: settings.capture.promiscuous
        )
        let filter: CaptureFilter = settings.capture.traffic == .names ? .namesOnly : .default
        let configuration = PassivePipeline.inspectionConfiguration(settings.capture)
        try await CaptureRunner.run(threadName: "capture-\(interface)") { stop in
            let source = try LivePacketSource(interface: interface, options: options, filter: filter)
            onOpen()
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
            defer {
                // Events judged before a read error are still evidence: hand them over.
                pipeline.finish(now: Self.wallTime()) { batch.append($0) }
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
        }
    }

    private func supervise(
        settings: RuntimeSettings,
        lists: ReloadableCategoryMatcher,
        shared: CaptureShared
    ) async {
        var nextMetrics = ContinuousClock.now + settings.linkInterval
        // A running capture thread hands over counters once a second; this much silence means
        // it is wedged, which the watchdog should see.
        let allowance = settings.linkInterval * 3 + .seconds(10)
        var running = settings
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(for: .milliseconds(500))
            let current = store.current
            // A reload: category lists alone are swapped in place; anything else restarts.
            // Compared with what runs now (`running` follows a swap), so one reload acts once.
            switch CaptureReload.action(from: running, to: current) {
            case .none: break
            case .restart:
                logger.notice("capture settings changed; restarting capture")
                return
            case .swapCategories:
                running.filter.categories = current.filter.categories
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
            }
            let drained = shared.drain()
            for warning in drained.warnings { logger.warning("\(warning)") }
            for transition in drained.transitions { log(transition) }
            if !drained.transitions.isEmpty {
                let up = shared.upCount
                status.update { $0.captureInterfacesUp = up }
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
            // Interfaces that cannot be opened are retried and shown by the interface_up metric
            // and STATUS=; withholding the watchdog for them would only have systemd restart a
            // daemon that cannot conjure an interface. A wedged capture thread is another matter.
            if shared.silentInterfaces(allowance: allowance).isEmpty { liveness.beat(Self.livenessName) }
            if ContinuousClock.now >= nextMetrics {
                nextMetrics = ContinuousClock.now + current.linkInterval
                hub.publish(scope: Self.scope, shared.observations())
            }
        }
    }

    /// One line per change of an interface's state.
    private func log(_ transition: CaptureShared.Transition) {
        let interface: Logger.MetadataValue = "\(transition.interface)"
        switch transition.state {
        case .starting: break
        case .up:
            logger.notice("capture interface up", metadata: ["interface": interface])
        case .down(let reason):
            logger.error(
                "capture interface down; retrying with backoff",
                metadata: ["interface": interface, "error": "\(reason)"]
            )
        }
    }

    static func wallTime() -> PacketTime {
        let nanoseconds = MonotonicClock.realtimeNanoseconds()
        return PacketTime(seconds: nanoseconds / 1_000_000_000, nanoseconds: Int32(nanoseconds % 1_000_000_000))
    }
}
