import Foundation
import Glibc
import NetwardenSpool
import NetwardenTestSupport
import Testing

/// kill -9 at random moments while the daemon writes heavily (a link sampler and 30 probes every
/// second) and delivers to a collector that is sometimes slower than the request timeout: it
/// always starts again (the spool recovers, the kernel released the state directory's lock),
/// and every record spooled before a kill reaches the collector, none of them twice once
/// de-duplicated by id.
@Suite(
    .requiresPrograms(.python3),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(4))
)
struct DaemonKillTests {
    static let rounds = 20

    @Test func killedTwentyTimesWhileWritingLosesNothing() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-kill")
        let collector = try await FaultyCollector.start(directory: scratch.path)
        let state = scratch.path + "/state"
        let config = scratch.path + "/netwarden.toml"
        try FaultDaemonConfig(
            stateDirectory: state,
            collectorURL: collector.baseURL,
            tokenFile: scratch.path + "/token",
            tcpProbes: 30,
            // Slower answers than this are resent: the collector then sees duplicates.
            timeoutSeconds: 1
        ).write(to: config)

        let seed = UInt64.random(in: 1...UInt64.max)
        var random = SeededGenerator(seed: seed)
        var slowRounds = 0
        var killedAfterReady = 0
        var killedWhileStarting = 0
        for round in 1...Self.rounds {
            if Int.random(in: 0..<3, using: &random) == 0 {
                slowRounds += 1
                try await collector.set(.accept(delay: .milliseconds(Int.random(in: 300...1500, using: &random))))
            } else {
                try await collector.set(.accept())
            }
            let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
            if Int.random(in: 0..<4, using: &random) == 0 {
                // Some kills land while it starts: opening the spool, registering the output,
                // taking the lock. The next round must start all the same.
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...400, using: &random)))
                killedWhileStarting += 1
            } else {
                do {
                    try await daemon.waitForLog(containing: "netwarden ready", timeout: .seconds(30))
                } catch {
                    Issue.record("round \(round) (seed \(seed)): the daemon did not start: \(error)")
                    daemon.signal(SIGKILL)
                    break
                }
                try await Task.sleep(for: .milliseconds(Int.random(in: 0...2500, using: &random)))
                killedAfterReady += 1
            }
            daemon.signal(SIGKILL)
            _ = try await daemon.waitForExit(timeout: .seconds(10))
            #expect(daemon.process.termination == .signalled(SIGKILL), "round \(round) exited on its own")
            // The kernel dropped the dead daemon's flock: nothing stale blocks the next start.
            try StateDirectoryLock.acquire(directory: state).release()
        }
        try await collector.set(.accept())

        // Everything spooled up to the last kill, read with the daemon gone (taking its lock).
        let beforeLastStart = try SpooledSequences.read(stateDirectory: state)
        try #require(beforeLastStart.last > 0, "nothing was spooled")
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
        try await daemon.waitForLog(containing: "netwarden ready", timeout: .seconds(30))
        try await collector.waitFor("every record spooled before the last kill", timeout: .seconds(90)) {
            $0.missing(1...beforeLastStart.last).isEmpty
        }
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        let recovered = daemon.logLines.filter { $0.contains("spool recovered from an unclean stop") }

        let audit = DeliveryAudit(
            spooled: try SpooledSequences.read(stateDirectory: state),
            journal: collector.journal()
        )
        audit.expectNothingLostOrDuplicated()
        await collector.stop()
        print(
            "kill -9: seed \(seed), \(killedAfterReady) kills while running and \(killedWhileStarting) while starting "
                + "(\(slowRounds) rounds with a slow collector), "
                + "\(beforeLastStart.last) records spooled before the last kill; \(audit); "
                + "last start logged \(recovered.count) recovery warnings"
        )
    }
}
