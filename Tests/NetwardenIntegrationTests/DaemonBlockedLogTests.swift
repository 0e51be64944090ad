import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// A log output that stops reading (a stalled journal, stderr a pipe nobody drains) must not
/// stop the daemon's work or its shutdown.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct DaemonBlockedLogTests {
    @Test func withStderrAFullPipeNobodyReadsTheDaemonWorksAndStopsOnSIGTERM() async throws {
        let scratch = try DaemonLifecycleTests.Scratch()
        try scratch.writeConfig(site: "oakfield", logLevel: "debug")
        let listener = try NotifySocketListener.path()
        let daemon = try await DaemonUnderTest(
            arguments: ["run", "--config", scratch.configPath],
            environment: listener.environment,
            stalledStandardError: true
        )
        defer { daemon.signal(SIGKILL) }

        // Its first log line already finds the pipe full; it gets ready regardless...
        _ = try await listener.message(timeout: .seconds(20)) { $0["READY"] == "1" }
        // ...keeps working (samples reach the outbox) and reports the lines it could not log.
        let dropped = try await DaemonCaptureInterfaceTests.sample(
            in: scratch.stateDirectory,
            name: "netwarden_log_lines_dropped_total",
            interface: nil
        ) { _ in true }
        #expect(dropped >= 0)
        #expect(scratch.outboxLines().contains { $0.contains(#""name":"netwarden_link_up""#) })

        daemon.signal(SIGTERM)
        let exit = try await daemon.waitForExit(timeout: .seconds(10))
        #expect(exit.status == 0, "stopped by signal or crashed instead of a clean exit")
        #expect(listener.messages.contains { $0["STOPPING"] == "1" })
    }
}
