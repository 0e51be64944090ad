import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// Signals that arrive while the daemon is still starting (before its handlers exist) stop or
/// reload it the way they do later: SIGTERM/SIGINT end in exit 0, SIGHUP never kills it.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct DaemonEarlySignalTests {
    /// The signals `pid` catches (has a handler for), from /proc (nil once it is gone).
    static func caughtSignals(of pid: pid_t) -> UInt64? {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return nil }
        guard let line = status.split(separator: "\n").first(where: { $0.hasPrefix("SigCgt:") }) else { return nil }
        return UInt64(line.dropFirst("SigCgt:".count).trimmingCharacters(in: .whitespaces), radix: 16)
    }

    static func bit(_ signal: Int32) -> UInt64 { 1 << UInt64(signal - 1) }

    @Test(arguments: [SIGTERM, SIGINT])
    func aSignalSentAtTheFirstMomentOfMainStopsTheDaemonCleanly(signal: Int32) async throws {
        let scratch = try DaemonLifecycleTests.Scratch()
        try scratch.writeConfig(site: "oakfield")
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        defer { daemon.signal(SIGKILL) }
        let wanted = Self.bit(SIGTERM) | Self.bit(SIGINT) | Self.bit(SIGHUP)
        // Before main the dynamic loader runs and no program can catch anything. From the first
        // moment the daemon catches any of the three, it must handle all of them: signal it then,
        // long before it is ready.
        while true {
            if let caught = Self.caughtSignals(of: daemon.pid), caught & wanted != 0 { break }
            #expect(
                !daemon.logLines.contains { $0.contains("netwarden ready") },
                "the daemon got ready without catching SIGTERM, SIGINT and SIGHUP first"
            )
            if !daemon.process.isRunning || daemon.logLines.contains(where: { $0.contains("netwarden ready") }) {
                return
            }
            try await Task.sleep(for: .microseconds(200))
        }
        daemon.signal(SIGHUP)
        daemon.signal(signal)
        let exit = try await daemon.waitForExit(timeout: .seconds(20))
        #expect(exit.status == 0, "\(daemon.logLines.suffix(10))")
        #expect(daemon.process.termination == .exited(0), "killed by a signal instead of exiting")
        #expect(daemon.logLines.contains { $0.contains("netwarden stopped") })
    }
}
