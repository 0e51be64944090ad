import Logging
import NetwardenCore
import NetwardenDaemon
import NetwardenTelemetry
import ServiceLifecycle
import Synchronization
import Testing

/// Records what the daemon would tell systemd (the real socket is covered by the binary tests).
final class RecordingNotifier: SystemdNotifying {
    let watchdogInterval: Duration?
    private let messages = Mutex<[String]>([])

    init(watchdogInterval: Duration?) { self.watchdogInterval = watchdogInterval }

    func ready() { record("READY=1") }
    func reloading() { record("RELOADING=1") }
    func stopping() { record("STOPPING=1") }
    func status(_ text: String) { record("STATUS=" + text) }
    func watchdog() { record("WATCHDOG=1") }

    /// Also used for log lines (`LOG=...`), so one list shows what was sent and logged in order.
    func record(_ message: String) { messages.withLock { $0.append(message) } }
    var all: [String] { messages.withLock { $0 } }

    /// Waits (bounded) until `predicate` holds for the recorded messages.
    func wait(timeout: Duration = .seconds(10), until predicate: ([String]) -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if predicate(all) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return predicate(all)
    }
}

func testSettings(site: String = "test-site") -> RuntimeSettings {
    RuntimeSettings(
        identity: .init(trust: "test-trust", site: site, gateway: "gw"),
        uplinks: [],
        uplinksAreAutomatic: false,
        lan: [],
        stateDirectory: "/nonexistent",
        logLevel: .info,
        statusInterval: .seconds(60),
        linkEnabled: false,
        linkInterval: .seconds(1),
        source: "test"
    )
}

@Suite(.timeLimit(.minutes(1))) struct NotifyServiceTests {
    @Test func readyWaitsForPartsThenWatchdogFlowsOnlyWhileAllAreLive() async throws {
        let notifier = RecordingNotifier(watchdogInterval: .milliseconds(20))
        let liveness = LivenessMonitor()
        // 2 s, not less: on a loaded machine a 10 ms beat loop can stall for hundreds of
        // milliseconds, which must not read as a wedged part.
        liveness.register("worker", maxSilence: .seconds(2))
        let service = NotifyService(
            notifier: notifier,
            liveness: liveness,
            status: DaemonStatus(),
            store: SettingsStore(testSettings()),
            logger: Logger(label: "test") { _ in JournalLogHandler(notifier: notifier) }
        )
        let task = Task { try await service.run() }
        defer { task.cancel() }

        try await Task.sleep(for: .milliseconds(100))
        #expect(!notifier.all.contains("READY=1"), "READY must wait for the first beat")

        // A part that keeps beating: READY, then keep-alives.
        func beat() -> Task<Void, Never> {
            Task {
                while !Task.isCancelled {
                    liveness.beat("worker")
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
        }
        var beating = beat()
        #expect(await notifier.wait { $0.filter { $0 == "WATCHDOG=1" }.count >= 3 })
        // #require, not `!`: on a loaded machine a wait can time out, and a crash would take the
        // whole test process (and every other suite's result) with it.
        let ready = try #require(notifier.all.firstIndex(of: "READY=1"))
        let firstKeepAlive = try #require(notifier.all.firstIndex(of: "WATCHDOG=1"))
        #expect(ready < firstKeepAlive)

        // The part wedges: the service says so and withholds keep-alives...
        beating.cancel()
        _ = await beating.value
        let mark = notifier.all.count
        #expect(
            await notifier.wait {
                $0.dropFirst(mark).contains { $0.hasPrefix("LOG=parts stopped making progress") }
            }
        )
        // ...until it beats again, when exactly one keep-alive comes before "resumed": none was
        // sent while it was stale.
        beating = beat()
        defer { beating.cancel() }
        #expect(await notifier.wait { $0.dropFirst(mark).contains("LOG=all parts live again; watchdog resumed") })
        let journal = Array(notifier.all.dropFirst(mark))
        let stale = try #require(journal.firstIndex { $0.hasPrefix("LOG=parts stopped making progress") })
        let resumed = try #require(journal.firstIndex(of: "LOG=all parts live again; watchdog resumed"))
        #expect(journal[stale..<resumed].filter { $0 == "WATCHDOG=1" } == ["WATCHDOG=1"], "\(journal)")
        #expect(journal[resumed - 1] == "WATCHDOG=1")
    }

    @Test func gracefulShutdownSendsStopping() async throws {
        let notifier = RecordingNotifier(watchdogInterval: nil)
        let liveness = LivenessMonitor()
        let service = NotifyService(
            notifier: notifier,
            liveness: liveness,
            status: DaemonStatus(),
            store: SettingsStore(testSettings()),
            logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        let running = Task { try await group.run() }
        #expect(await notifier.wait { $0.contains("READY=1") })
        await group.triggerGracefulShutdown()
        try await running.value
        #expect(notifier.all.last == "STOPPING=1")
    }
}

/// Puts log messages into the notifier's list as `LOG=message`, so tests see what was logged
/// and what was sent to systemd in one order.
struct JournalLogHandler: LogHandler {
    let notifier: RecordingNotifier
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) { notifier.record("LOG=\(event.message)") }
}
