import Glibc
import Logging
import NetwardenDaemon
import NetwardenPlatform
import NetwardenTestSupport
import ServiceLifecycle
import Synchronization
import Testing

/// The notify protocol on a real socket: what systemd would receive, byte for byte.
@Suite(.timeLimit(.minutes(1))) struct SystemdNotifierTests {
    @Test func readyArrivesOnAFileSystemSocket() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        let notifier = SystemdNotifier(environment: listener.environment)
        #expect(notifier.isEnabled)

        notifier.ready()

        #expect(try await listener.next().text == "READY=1")
        #expect(notifier.failureCount == 0)
    }

    @Test func messagesArriveOnAnAbstractSocket() async throws {
        let listener = try NotifySocketListener.abstract()
        defer { listener.close() }
        #expect(listener.notifySocket.hasPrefix("@"))
        let notifier = SystemdNotifier(environment: listener.environment)

        notifier.ready()
        notifier.stopping()

        #expect(try await listener.next().text == "READY=1")
        #expect(try await listener.next().text == "STOPPING=1")
        #expect(notifier.failureCount == 0)
    }

    @Test func statusIsOneLineWhateverTheTextHolds() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        let notifier = SystemdNotifier(environment: listener.environment)

        notifier.status("uplink eth0 up\nwifi degraded\r\nfilter ok\0")
        // An assignment cannot smuggle in a second one, either.
        notifier.send(["STATUS=fine\nWATCHDOG=1"])

        let status = try await listener.next()
        #expect(status.text == "STATUS=uplink eth0 up wifi degraded filter ok")
        let smuggled = try await listener.next()
        #expect(smuggled.lines == ["STATUS=fine WATCHDOG=1"])
        #expect(smuggled["WATCHDOG"] == nil)
    }

    @Test func longStatusIsCutAtACharacterBoundary() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        let notifier = SystemdNotifier(environment: listener.environment)

        // "é" is two bytes in UTF-8, so the limit falls inside one unless the cut is careful.
        notifier.status("x" + String(repeating: "é", count: 2000))

        let value = try #require(try await listener.next()["STATUS"])
        #expect(value.utf8.count <= SystemdNotifier.maximumStatusBytes)
        #expect(value.utf8.count >= SystemdNotifier.maximumStatusBytes - 1)
        #expect(value.hasPrefix("xé") && value.hasSuffix("é"))
    }

    @Test func reloadingCarriesTheMonotonicTimestamp() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        let notifier = SystemdNotifier(environment: listener.environment)

        let before = MonotonicClock.nanoseconds() / 1000
        notifier.reloading()
        let after = MonotonicClock.nanoseconds() / 1000

        let message = try await listener.next()
        #expect(message.lines.first == "RELOADING=1")
        let stamp = try #require(message["MONOTONIC_USEC"].flatMap { Int64($0) })
        #expect(stamp >= before && stamp <= after)
    }

    @Test func watchdogIntervalIsHalfTheTimeoutWhenItIsOurs() {
        let base = ["NOTIFY_SOCKET": "/run/systemd/notify", "WATCHDOG_USEC": "30000000"]
        let unowned = SystemdNotifier(environment: base, processID: 4242)
        #expect(unowned.watchdogInterval == .seconds(15))
        #expect(unowned.watchdogTimeout == .seconds(30))

        var mine = base
        mine["WATCHDOG_PID"] = "4242"
        #expect(SystemdNotifier(environment: mine, processID: 4242).watchdogInterval == .seconds(15))

        for bad in ["0", "-5", "soon", ""] {
            var env = base
            env["WATCHDOG_USEC"] = bad
            #expect(SystemdNotifier(environment: env).watchdogInterval == nil, "WATCHDOG_USEC=\(bad)")
        }
    }

    @Test func anotherProcessesWatchdogIsIgnored() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        var environment = listener.environment
        environment["WATCHDOG_USEC"] = "30000000"
        environment["WATCHDOG_PID"] = String(getpid() + 1)
        let notifier = SystemdNotifier(environment: environment)
        #expect(notifier.watchdogInterval == nil)

        notifier.watchdog()
        notifier.ready()

        // Datagrams on one socket keep their order, so READY being first proves no WATCHDOG=1.
        #expect(try await listener.next().text == "READY=1")
        #expect(!listener.messages.contains { $0["WATCHDOG"] != nil })
    }

    @Test func withoutNotifySocketEverythingIsANoOp() {
        let notifier = SystemdNotifier(environment: [:])
        #expect(!notifier.isEnabled)
        #expect(notifier.watchdogInterval == nil)
        notifier.ready()
        notifier.reloading()
        notifier.status("x")
        notifier.watchdog()
        notifier.stopping()
        guard case .disabled = notifier.send(["READY=1"]) else {
            Issue.record("expected .disabled")
            return
        }
        #expect(notifier.failureCount == 0 && notifier.lastFailure == nil)
    }

    @Test func aVanishedSocketIsCountedAndReportedNotFatal() async throws {
        let listener = try NotifySocketListener.path()
        let reported = Mutex<[Int32]>([])
        let notifier = SystemdNotifier(environment: listener.environment) { error in
            reported.withLock { $0.append(error.errno) }
        }
        notifier.ready()
        _ = try await listener.next()

        listener.close()  // the manager went away and its socket file with it
        notifier.watchdog()  // no watchdog configured: not even attempted
        notifier.status("still here")
        notifier.stopping()

        #expect(notifier.failureCount == 2)
        #expect(notifier.lastFailure?.errno == ENOENT)
        #expect(notifier.lastFailure?.description.contains(listener.notifySocket) == true)
        #expect(reported.withLock { $0 } == [ENOENT, ENOENT])
    }

    @Test func aSocketNobodyListensOnIsConnectionRefused() throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        // A second, unrelated path with a socket file left behind by a closed socket.
        let stalePath = listener.notifySocket + ".stale"
        let fd = try Self.boundSocket(at: UnixSocketAddress(path: stalePath))
        close(fd)
        defer { unlink(stalePath) }

        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": stalePath])
        guard case .failed(let error) = notifier.send(["READY=1"]) else {
            Issue.record("expected a failure")
            return
        }
        #expect(error.errno == ECONNREFUSED)
        #expect(notifier.failureCount == 1)
    }

    /// A blocking send would hang the loop: the time limit catches that, and EAGAIN shows the
    /// sends were refused rather than queued.
    @Test(.timeLimit(.minutes(1)))
    func aManagerThatStopsReadingNeverBlocksTheDaemon() throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        let path = listener.notifySocket + ".full"
        let fd = try Self.boundSocket(at: UnixSocketAddress(path: path))  // bound, never read
        defer {
            close(fd)
            unlink(path)
        }
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": path])

        for index in 0..<5000 { notifier.status("round \(index)") }

        #expect(notifier.failureCount > 0)
        #expect(notifier.lastFailure?.errno == EAGAIN)
    }

    @Test func aMalformedNotifySocketFailsEverySend() {
        let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": "run/notify"])
        #expect(notifier.isEnabled)
        notifier.ready()
        notifier.stopping()
        #expect(notifier.failureCount == 2)
        #expect(notifier.lastFailure?.errno == EAFNOSUPPORT)
    }

    /// The helper itself: a wait that runs out says so and lists what did arrive.
    @Test func listenerWaitTimesOutWithWhatItReceived() async throws {
        let listener = try NotifySocketListener.path()
        defer { listener.close() }
        SystemdNotifier(environment: listener.environment).ready()
        _ = try await listener.next()

        await #expect(throws: NotifySocketListener.WaitError.self) {
            try await listener.message(timeout: .milliseconds(100)) { $0.text == "STOPPING=1" }
        }
        #expect(listener.messages.map(\.text) == ["READY=1"])
    }

    /// The daemon's notify service on the real notifier: READY first, then keep-alives at half
    /// of WATCHDOG_USEC.
    @Test func notifyServiceKeepsTheWatchdogFedAtHalfTheTimeout() async throws {
        let listener = try NotifySocketListener.abstract()
        defer { listener.close() }
        var environment = listener.environment
        environment["WATCHDOG_USEC"] = "200000"
        let notifier = SystemdNotifier(environment: environment)
        let liveness = LivenessMonitor()
        liveness.register("worker", maxSilence: .seconds(5))
        let service = NotifyService(
            notifier: notifier,
            liveness: liveness,
            status: DaemonStatus(),
            store: SettingsStore(testSettings()),
            logger: Logger(label: "test")
        )
        let running = Task { try await service.run() }
        defer { running.cancel() }
        let beating = Task {
            while !Task.isCancelled {
                liveness.beat("worker")
                try? await Task.sleep(for: .milliseconds(10))
            }
        }
        defer { beating.cancel() }

        let ready = try await listener.message { $0.text == "READY=1" }
        // Keep-alives keep coming while the part is live. Their spacing is the computed interval
        // (half of WATCHDOG_USEC, checked without a clock); gaps are not asserted, because a shared
        // CI machine can stall any process for longer than a watchdog tick.
        #expect(notifier.watchdogInterval == .milliseconds(100))
        var keepAlives = 0
        for _ in 0..<1000 where keepAlives < 4 {
            keepAlives = Self.countKeepAlives(listener.messages, after: ready.arrival)
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(keepAlives >= 4)
        #expect(notifier.failureCount == 0)
    }

    private static func countKeepAlives(
        _ messages: [NotifySocketListener.Message],
        after start: ContinuousClock.Instant
    ) -> Int {
        var count = 0
        for message in messages where message.text == "WATCHDOG=1" && message.arrival > start { count += 1 }
        return count
    }

    private static func boundSocket(at address: UnixSocketAddress) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket") }
        guard address.withSockAddr({ bind(fd, $0, $1) }) == 0 else {
            let error = SystemError("bind", context: "\(address)")
            close(fd)
            throw error
        }
        return fd
    }
}
