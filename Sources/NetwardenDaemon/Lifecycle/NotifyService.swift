import Logging
import ServiceLifecycle

/// Speaks systemd's notify protocol for the whole daemon: `READY=1` once every part has done its
/// first unit of work, `WATCHDOG=1` at half of `$WATCHDOG_USEC` while every part is live,
/// `STATUS=` with a one-line summary, and `STOPPING=1` as graceful shutdown begins.
public struct NotifyService: Service {
    private let notifier: any SystemdNotifying
    private let liveness: LivenessMonitor
    private let status: DaemonStatus
    private let store: SettingsStore
    private let logger: Logger

    public init(
        notifier: any SystemdNotifying,
        liveness: LivenessMonitor,
        status: DaemonStatus,
        store: SettingsStore,
        logger: Logger
    ) {
        self.notifier = notifier
        self.liveness = liveness
        self.status = status
        self.store = store
        var logger = logger
        logger[metadataKey: "component"] = "lifecycle"
        self.logger = logger
    }

    public func run() async throws {
        let started = ContinuousClock.now
        await withGracefulShutdownHandler {
            // Readiness: wait for the first beat of every part (they register as they start).
            while !liveness.allStarted {
                await ShutdownAware.sleep(for: .milliseconds(20))
                if ShutdownAware.shouldStop { return }
            }
            notifier.ready()
            notifier.status(status.snapshot.summary)
            logger.notice("netwarden ready", metadata: ["status": "\(status.snapshot.summary)"])
            await keepAlive(started: started)
        } onGracefulShutdown: {
            notifier.stopping()
        }
    }

    /// Alternates watchdog keep-alives and status refreshes on their own cadences.
    private func keepAlive(started: ContinuousClock.Instant) async {
        let clock = ContinuousClock()
        var nextStatus = clock.now + store.current.statusInterval
        var nextWatchdog = notifier.watchdogInterval.map { clock.now + $0 }
        var reportedStale: [String] = []
        while !ShutdownAware.shouldStop {
            await ShutdownAware.sleep(until: min(nextStatus, nextWatchdog ?? nextStatus))
            if ShutdownAware.shouldStop { return }
            let now = clock.now
            if let due = nextWatchdog, now >= due, let interval = notifier.watchdogInterval {
                let stale = liveness.staleParts(now: now, since: started)
                if stale.isEmpty {
                    notifier.watchdog()
                    if !reportedStale.isEmpty { logger.notice("all parts live again; watchdog resumed") }
                } else if stale != reportedStale {
                    // Withholding WATCHDOG=1 lets systemd restart us, which is the point.
                    logger.error(
                        "parts stopped making progress; withholding watchdog keep-alive",
                        metadata: ["stale": "\(stale.joined(separator: ","))"]
                    )
                }
                reportedStale = stale
                nextWatchdog = due + interval
            }
            if now >= nextStatus {
                notifier.status(status.snapshot.summary)
                nextStatus = now + store.current.statusInterval
            }
        }
    }
}
