import Foundation
import Logging
import NetwardenCollectorCore
import ServiceLifecycle
import Synchronization

/// Drives the notification engine: reads new alert events and school contacts from the
/// database, applies silences (config and page), ticks the engine about ten times a second
/// when something may be due (and at once after an ingest), sends what it decides through the
/// dispatcher (one ordered queue per receiver, each drained by a task of its own) and records
/// every attempt and every suppression in the history. Without any `[[route]]` it still tracks
/// alerts and offline schools for the pages, and sends nothing.
final class AlertDeliveryService: Service, Sendable {
    /// What the overview shows.
    struct Snapshot: Sendable {
        var open: [RoutedAlert]
        var silences: [Silence]
    }

    /// Alert state is rebuilt at start from the events received this long ago (alerts open
    /// then are taken as already notified).
    static let replayWindow: Int64 = 7 * 86_400_000

    let config: CollectorConfig
    let store: AlertingStore
    let dispatcher: NotificationDispatcher
    let receivers: [String: ResolvedReceiver]
    let receiverProblems: [String: String]
    let logger: Logger
    let clock: @Sendable () -> Int64
    private let engine: Mutex<NotificationEngine>
    private let nudged = Atomic(false)
    private let stopping = Atomic(false)

    init(
        config: CollectorConfig,
        database: CollectorDatabase,
        transport: any NotificationTransport = CurlNotificationTransport(),
        logger: Logger,
        clock: @escaping @Sendable () -> Int64
    ) {
        self.config = config
        self.store = AlertingStore(database: database)
        var logger = logger
        logger[metadataKey: "component"] = "alerting"
        self.logger = logger
        self.clock = clock
        engine = Mutex(NotificationEngine(settings: NotificationEngine.Settings(config)))
        dispatcher = NotificationDispatcher(
            transport: transport,
            externalURL: config.alerts.externalURL,
            sleep: { pause in try? await Task.sleep(for: pause) },
            clock: clock
        )
        var receivers: [String: ResolvedReceiver] = [:]
        var problems: [String: String] = [:]
        for settings in config.receivers {
            switch ReceiverSecrets.resolve(settings) {
            case .success(let receiver): receivers[settings.name] = receiver
            case .failure(let error): problems[settings.name] = error.message
            }
        }
        self.receivers = receivers
        self.receiverProblems = problems
    }

    /// New data arrived: look at it now rather than at the next tick.
    func nudge() { nudged.store(true, ordering: .relaxed) }

    /// Open alerts and active silences, for the overview.
    func snapshot() -> Snapshot {
        let now = clock()
        return engine.withLock { Snapshot(open: $0.openAlerts(now: now), silences: $0.activeSilences(now: now)) }
    }

    func run() async throws {
        for (name, problem) in receiverProblems.sorted(by: { $0.key < $1.key }) {
            logger.error("receiver unavailable: \(problem)", metadata: ["receiver": "\(name)"])
        }
        var cursor = await replay()
        logger.info(
            "alert routing started",
            metadata: ["routes": "\(config.routes.count)", "receivers": "\(config.receivers.count)"]
        )
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // One queue per receiver, drained in order by a task of its own: a resolution
                // never overtakes its firing while that is still being retried, and a slow or
                // dead receiver holds up only itself.
                var queues: [String: AsyncStream<AlertNotification>.Continuation] = [:]
                for (name, receiver) in receivers {
                    let (stream, continuation) = AsyncStream.makeStream(of: AlertNotification.self)
                    queues[name] = continuation
                    group.addTask { await self.drain(stream, to: receiver) }
                }
                var lastStep: Int64 = 0
                while !stopping.load(ordering: .relaxed) {
                    let now = clock()
                    let due = engine.withLock { $0.nextDeadline }.map { $0 <= now } ?? false
                    if nudged.exchange(false, ordering: .relaxed) || due || now - lastStep >= 1000 {
                        lastStep = now
                        cursor = await step(cursor: cursor, now: now, queues: queues)
                    }
                    try? await Task.sleep(for: .milliseconds(100))
                }
                // In-flight retries end with the server; their attempts so far are recorded.
                for queue in queues.values { queue.finish() }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stopping.store(true, ordering: .relaxed)
        }
    }

    /// Rebuilds alert state from recent events without sending anything; returns the cursor.
    private func replay() async -> Int64 {
        do {
            var cursor = try await store.firstEventRow(receivedSince: clock() - Self.replayWindow) - 1
            while true {
                let (inputs, last) = try await store.alertEvents(after: cursor)
                engine.withLock { engine in for input in inputs { engine.observe(input, replay: true) } }
                if last == cursor { return cursor }
                cursor = last
            }
        } catch {
            logger.error("alert state could not be rebuilt: \(error.message); starting from new events only")
            return (try? await store.latestEventRow()) ?? 0
        }
    }

    private func step(
        cursor: Int64,
        now: Int64,
        queues: [String: AsyncStream<AlertNotification>.Continuation]
    ) async -> Int64 {
        var cursor = cursor
        let output: NotificationEngine.Output
        do {
            var inputs: [AlertInput] = []
            while true {
                let (batch, last) = try await store.alertEvents(after: cursor)
                inputs += batch
                if last == cursor { break }
                cursor = last
            }
            let contacts = try await store.schoolContacts()
            let silences = config.silences + (try await store.liveSilences(now: now))
            output = engine.withLock { engine in
                for input in inputs { engine.observe(input) }
                for contact in contacts { engine.contact(trust: contact.trust, site: contact.site, at: contact.at) }
                engine.setSilences(silences)
                return engine.tick(now: now)
            }
        } catch {
            logger.error("alert routing step failed: \(error.message)")
            return cursor
        }
        if !output.suppressed.isEmpty {
            for suppressed in output.suppressed {
                logger.info(
                    "alert not sent",
                    metadata: [
                        "alert": "\(suppressed.alert.alertname)", "site": "\(suppressed.alert.site)",
                        "reason": "\(suppressed.suppression.detail)",
                    ]
                )
            }
            await record(output.suppressed.map(HistoryEntry.init))
        }
        for notification in output.notifications {
            logger.notice(
                "notification",
                metadata: [
                    "receiver": "\(notification.receiver)", "group": "\(notification.groupKey)",
                    "status": "\(notification.isLateSummary ? "late-summary" : notification.status.rawValue)",
                    "alerts": "\(HistoryEntry.describe(notification.alerts))",
                ]
            )
            guard let queue = queues[notification.receiver] else {
                let problem = receiverProblems[notification.receiver] ?? "no such receiver"
                await record([
                    HistoryEntry(
                        outcome: "failed",
                        at: now,
                        receiver: notification.receiver,
                        groupKey: notification.groupKey,
                        status: notification.status.rawValue,
                        trust: notification.alerts.first?.trust ?? "",
                        site: notification.alerts.first?.site ?? "",
                        alerts: HistoryEntry.describe(notification.alerts),
                        attempt: 1,
                        result: "receiver unavailable: \(problem)"
                    )
                ])
                continue
            }
            queue.yield(notification)
        }
        return cursor
    }

    private func drain(_ queue: AsyncStream<AlertNotification>, to receiver: ResolvedReceiver) async {
        for await notification in queue {
            let delivered = await dispatcher.deliver(notification, to: receiver) { entries in
                await self.record(entries)
            }
            if !delivered {
                logger.warning(
                    "notification not delivered",
                    metadata: ["receiver": "\(receiver.settings.name)", "group": "\(notification.groupKey)"]
                )
            }
        }
    }

    private func record(_ entries: [HistoryEntry]) async {
        do {
            try await store.record(entries)
        } catch {
            logger.error("notification history could not be written: \(error.message)")
        }
    }
}
