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

    private func record(_ message: String) { messages.withLock { $0.append(message) } }
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
        liveness.register("worker", maxSilence: .milliseconds(200))
        let service = NotifyService(
            notifier: notifier,
            liveness: liveness,
            status: DaemonStatus(),
            store: SettingsStore(testSettings()),
            logger: Logger(label: "test")
        )
        let task = Task { try await service.run() }
        defer { task.cancel() }

        try await Task.sleep(for: .milliseconds(100))
        #expect(!notifier.all.contains("READY=1"), "READY must wait for the first beat")

        // A part that keeps beating: READY, then keep-alives.
        let beating = Task {
            while !Task.isCancelled {
                liveness.beat("worker")
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        #expect(await notifier.wait { $0.filter { $0 == "WATCHDOG=1" }.count >= 3 })
        #expect(notifier.all.firstIndex(of: "READY=1")! < notifier.all.firstIndex(of: "WATCHDOG=1")!)

        // The part wedges: keep-alives stop so systemd can restart us.
        beating.cancel()
        _ = await beating.value
        try await Task.sleep(for: .milliseconds(400))  // longer than the part's allowance
        let countWhenStale = notifier.all.filter { $0 == "WATCHDOG=1" }.count
        try await Task.sleep(for: .milliseconds(200))
        #expect(notifier.all.filter { $0 == "WATCHDOG=1" }.count == countWhenStale)
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
