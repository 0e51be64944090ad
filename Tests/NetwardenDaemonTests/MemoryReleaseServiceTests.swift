import Logging
import NetwardenDaemon
import NetwardenPlatform
import ServiceLifecycle
import Synchronization
import Testing

@Suite(.timeLimit(.minutes(1))) struct MemoryReleaseServiceTests {
    /// Counts releases instead of touching this process's memory.
    final class Releases: Sendable {
        private let count = Mutex(0)

        func release() -> CleanFilePages.Report {
            count.withLock { $0 += 1 }
            return CleanFilePages.Report(mappings: 1, residentKiB: 4, failures: 0)
        }

        var total: Int { count.withLock { $0 } }

        func wait(for expected: Int) async -> Bool {
            let deadline = ContinuousClock.now + .seconds(10)
            while ContinuousClock.now < deadline {
                if total >= expected { return true }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return total >= expected
        }
    }

    @Test func releasesOnceStartUpIsDoneThenAfterEachReloadAndStopsOnShutdown() async throws {
        let liveness = LivenessMonitor()
        liveness.register("worker", maxSilence: .seconds(60))
        let releases = Releases()
        let (reloads, reloaded) = AsyncStream<Void>.makeStream()
        let service = MemoryReleaseService(
            liveness: liveness,
            reloads: reloads,
            settle: .milliseconds(10),
            release: { releases.release() },
            logger: Logger(label: "test")
        )
        let group = ServiceGroup(services: [service], logger: Logger(label: "test"))
        let running = Task { try await group.run() }

        // Start-up is not over while a part has not done its first unit of work.
        try await Task.sleep(for: .milliseconds(200))
        #expect(releases.total == 0)
        liveness.beat("worker")
        #expect(await releases.wait(for: 1))

        reloaded.yield()
        #expect(await releases.wait(for: 2))

        await group.triggerGracefulShutdown()
        try await running.value
        #expect(releases.total == 2)
    }
}
