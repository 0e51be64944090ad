import Logging
import NetwardenCore
import NetwardenMetricsEndpoint
import NetwardenPlatform
import NetwardenSpool
import NetwardenTelemetry
import ServiceLifecycle
import UnixSignals

/// Why a configuration could not be loaded: one technician-readable line per problem
/// (`FILE:LINE: key: message`).
public struct SettingsLoadFailure: Error, Sendable {
    public var lines: [String]

    public init(lines: [String]) { self.lines = lines }
}

/// Why the daemon refused to start (another instance holds the state directory).
public struct DaemonStartError: Error, Sendable, CustomStringConvertible {
    public var message: String

    public var description: String { message }
}

/// `netwarden run`: every long-lived part is a `Service` in one `ServiceGroup`.
///
/// SIGTERM/SIGINT start a graceful shutdown (bounded so systemd's stop never hangs); reload
/// triggers re-run `loader`, apply a valid result in place and keep the running settings when the
/// new file is invalid.
public struct Daemon: Sendable {
    /// How long services get to finish after SIGTERM before they are cancelled. Together with
    /// cancellation this keeps exit well inside the 5 s the unit and technicians expect.
    public static let gracefulShutdownLimit: Duration = .seconds(3)

    public typealias Loader = @Sendable () -> Result<RuntimeSettings, SettingsLoadFailure>

    private let loader: Loader
    private let initial: RuntimeSettings
    private let logContext: LogContext
    private let logger: Logger
    private let notifier: any SystemdNotifying
    private let linkReader: LinkReader
    private let reloadTriggers: AsyncStream<Void>
    private let shutdownSignals: [UnixSignal]
    private let shutdownTriggers: AsyncStream<Void>?
    private let clock: any WallClock
    private let droppedLogLines: @Sendable () -> Int

    public init(
        initial: RuntimeSettings,
        loader: @escaping Loader,
        logContext: LogContext,
        logger: Logger,
        notifier: any SystemdNotifying,
        linkReader: LinkReader = LinkReader(),
        reloadTriggers: AsyncStream<Void>,
        shutdownSignals: [UnixSignal] = [.sigterm, .sigint],
        shutdownTriggers: AsyncStream<Void>? = nil,
        clock: any WallClock = SystemWallClock(),
        droppedLogLines: @escaping @Sendable () -> Int = { 0 }
    ) {
        self.clock = clock
        self.droppedLogLines = droppedLogLines
        self.initial = initial
        self.loader = loader
        self.logContext = logContext
        self.logger = logger
        self.notifier = notifier
        self.linkReader = linkReader
        self.reloadTriggers = reloadTriggers
        self.shutdownSignals = shutdownSignals
        self.shutdownTriggers = shutdownTriggers
    }

    /// The local JSON-lines folder under a state directory.
    public static func outboxDirectory(stateDirectory: String) -> String { stateDirectory + "/outbox" }

    public func run() async throws {
        // One daemon per state directory: two would interleave the spool and the outbox.
        let lock: StateDirectoryLock?
        do {
            lock = try StateDirectoryLock.acquire(directory: initial.stateDirectory)
        } catch {
            if error.code == .locked {
                logger.critical("cannot start: \(error.message)")
                throw DaemonStartError(message: error.message)
            }
            logger.warning("cannot lock the state directory", metadata: ["error": "\(error.message)"])
            lock = nil
        }
        defer { lock?.release() }
        let store = SettingsStore(initial)
        let liveness = LivenessMonitor()
        let status = DaemonStatus()
        status.update { $0.site = initial.identity.site }
        let hub = TelemetryHub(identity: initial.identity, clock: clock)
        let outbox = LocalOutboxSink(
            directory: Self.outboxDirectory(stateDirectory: initial.stateDirectory),
            logger: logger
        )
        defer { outbox.close() }
        hub.add(sink: outbox)
        registerDaemonCollector(hub: hub, status: status, outbox: outbox)
        logContext.level = initial.logLevel
        logContext.site = initial.identity.site

        logger.notice(
            "starting netwarden",
            metadata: [
                "version": "\(NetwardenVersion.string)", "config": "\(initial.source)",
                "gateway": "\(initial.identity.gateway)", "outbox": "\(outbox.directory)",
            ]
        )

        // Registered up front so READY=1 waits for the sampler's first round.
        liveness.register(LinkSamplerService.livenessName, maxSilence: initial.linkInterval * 2 + .seconds(5))
        let sampler = LinkSamplerService(
            store: store,
            reader: linkReader,
            hub: hub,
            liveness: liveness,
            status: status,
            logger: logger
        )
        let capture = CaptureService(store: store, hub: hub, liveness: liveness, status: status, logger: logger)
        let wifi = WifiSamplerService(
            store: store,
            hub: hub,
            liveness: liveness,
            status: status,
            logger: logger
        )
        let probes = ProbeSchedulerService(
            store: store,
            hub: hub,
            liveness: liveness,
            status: status,
            logger: logger
        )
        let filterTests = FilterTestService(store: store, hub: hub, logger: logger)
        let notify = NotifyService(notifier: notifier, liveness: liveness, status: status, store: store, logger: logger)
        // Applied reloads, for the memory release that follows each (a burst of parsing and loading).
        let (reloaded, reloadedContinuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let reload = ReloadService(triggers: reloadTriggers) { [self] in
            if applyReload(store: store, hub: hub, outbox: outbox, status: status) { reloadedContinuation.yield() }
        }
        let memoryRelease = MemoryReleaseService(liveness: liveness, reloads: reloaded, logger: logger)
        let collect = TelemetryCollectService(hub: hub, status: status) { store.current.linkInterval }
        let delivery = DeliveryService(store: store, hub: hub, status: status, logger: logger)
        let metrics = MetricsEndpointService(store: store, hub: hub, logger: logger)
        let alerts = AlertService(store: store, hub: hub, logger: logger)
        let statusSocket = StatusSocketService(
            store: store,
            hub: hub,
            status: status,
            alerts: alerts,
            delivery: delivery,
            logger: logger
        )

        var configuration = ServiceGroupConfiguration(
            // ServiceGroup stops services in reverse order: delivery (which owns the spool) comes
            // right after notify so it stops after every producer, and what they publish while
            // stopping is still spooled.
            services: [
                .init(service: notify),
                .init(service: delivery),
                .init(service: alerts),
                .init(service: sampler),
                .init(service: probes),
                .init(service: filterTests),
                .init(service: wifi),
                .init(service: capture),
                .init(service: collect),
                .init(service: metrics),
                .init(service: statusSocket),
                .init(service: reload),
                .init(service: memoryRelease),
            ],
            gracefulShutdownSignals: shutdownSignals,
            logger: logger
        )
        configuration.maximumGracefulShutdownDuration = Self.gracefulShutdownLimit
        configuration.maximumCancellationDuration = .seconds(1)
        let group = ServiceGroup(configuration: configuration)
        // Requests from signal handlers installed before the group existed (a SIGTERM during
        // start-up); the group remembers one made before it runs.
        let stopper = Task {
            guard let shutdownTriggers else { return }
            for await _ in shutdownTriggers {
                await group.triggerGracefulShutdown()
                return
            }
        }
        defer { stopper.cancel() }
        try await group.run()
        logger.notice("netwarden stopped")
    }

    /// True when the new settings were applied.
    private func applyReload(
        store: SettingsStore,
        hub: TelemetryHub,
        outbox: LocalOutboxSink,
        status: DaemonStatus
    ) -> Bool {
        notifier.reloading()
        let applied: Bool
        let old = store.current
        logger.notice("reloading configuration", metadata: ["config": "\(old.source)"])
        switch loader() {
        case .success(let new):
            applied = true
            store.replace(with: new)
            hub.setIdentity(new.identity)
            logContext.level = new.logLevel
            logContext.site = new.identity.site
            outbox.move(to: Self.outboxDirectory(stateDirectory: new.stateDirectory))
            status.update {
                $0.reloads += 1
                $0.failedReloads = 0
                $0.site = new.identity.site
            }
            let changes = Self.describeChanges(from: old, to: new)
            logger.notice(
                "configuration reloaded",
                metadata: ["changes": "\(changes.isEmpty ? "none" : changes.joined(separator: "; "))"]
            )
        case .failure(let failure):
            applied = false
            for line in failure.lines { logger.error("\(line)") }
            status.update {
                $0.failedReloads += 1
                $0.rejectedReloads += 1
            }
            logger.error(
                "configuration rejected; keeping the running configuration",
                metadata: ["errors": "\(failure.lines.count)"]
            )
        }
        notifier.ready()
        notifier.status(status.snapshot.summary)
        return applied
    }

    /// The daemon's own totals as metrics: build, start time, reloads, probes, local sink errors,
    /// log lines the log output could not take.
    private func registerDaemonCollector(hub: TelemetryHub, status: DaemonStatus, outbox: LocalOutboxSink) {
        let started = Double(clock.nowMilliseconds()) / 1000
        hub.registerCollector(scope: "daemon") {
            let snapshot = status.snapshot
            var list = ObservationList()
            list.add(.buildInfo, 1, [Label("version", NetwardenVersion.string)])
            list.add(.startTime, started)
            list.add(.configReloads, snapshot.reloads, [Label("result", "applied")])
            list.add(.configReloads, snapshot.rejectedReloads, [Label("result", "rejected")])
            list.add(.probesConfigured, snapshot.probesConfigured)
            list.add(.sinkErrors, outbox.errors, [Label("sink", "outbox")])
            list.add(.logLinesDropped, droppedLogLines())
            return list.items
        }
    }

    /// Short "what changed" list for the reload log line.
    static func describeChanges(from old: RuntimeSettings, to new: RuntimeSettings) -> [String] {
        var changes: [String] = []
        func note<T: Equatable>(_ name: String, _ a: T, _ b: T) {
            if a != b { changes.append("\(name) \(a) -> \(b)") }
        }
        note("site", old.identity.site, new.identity.site)
        note("trust", old.identity.trust, new.identity.trust)
        note("gateway", old.identity.gateway, new.identity.gateway)
        note("log_level", old.logLevel.rawValue, new.logLevel.rawValue)
        note("uplink", old.uplinks, new.uplinks)
        note("lan", old.lan, new.lan)
        note("state_directory", old.stateDirectory, new.stateDirectory)
        note("link.enabled", old.linkEnabled, new.linkEnabled)
        note("link.interval", old.linkInterval, new.linkInterval)
        note("status_interval", old.statusInterval, new.statusInterval)
        if old.probes != new.probes {
            changes.append(
                "probes \(old.probes.count) -> \(new.probes.count) (\(new.probes.map(\.name).joined(separator: ",")))"
            )
        }
        return changes
    }
}
