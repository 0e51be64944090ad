import Foundation
import Glibc
import NetwardenPlatform
import NetwardenTestSupport
import Testing

/// The real `netwarden run` process: signals, exit codes, reloads, notify messages, log format.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct DaemonLifecycleTests {
    /// A scratch directory with a config file the test can rewrite.
    final class Scratch {
        let directory: String
        var configPath: String { directory + "/netwarden.toml" }
        var stateDirectory: String { directory + "/state" }
        var outboxPath: String { stateDirectory + "/outbox/samples.jsonl" }

        init() throws {
            directory = NSTemporaryDirectory() + "nw-daemon-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }

        deinit { try? FileManager.default.removeItem(atPath: directory) }

        func writeConfig(site: String, logLevel: String = "info", extra: String = "") throws {
            let text = """
                [identity]
                trust = "test-trust"
                site = "\(site)"
                gateway = "test-gw"

                [interfaces]
                uplink = ["lo"]

                [daemon]
                state_directory = "\(stateDirectory)"
                log_level = "\(logLevel)"
                status_interval_seconds = 1

                [link]
                interval_seconds = 1
                \(extra)
                """
            try text.write(toFile: configPath, atomically: true, encoding: .utf8)
        }

        func outboxLines() -> [String] {
            ((try? String(contentsOfFile: outboxPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }
    }

    @Test func readyWatchdogAndAGracefulStopOnSIGTERM() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "oakfield")
        let listener = try NotifySocketListener.path()
        let daemon = try await DaemonUnderTest(
            arguments: ["run", "--config", scratch.configPath],
            environment: listener.environment.merging(["WATCHDOG_USEC": "400000"]) { $1 }
        )

        let ready = try await listener.message(timeout: .seconds(20)) { $0["READY"] == "1" }
        _ = try await listener.message(timeout: .seconds(10)) { $0["STATUS"]?.contains("site oakfield") == true }
        // Keep-alives at half of WATCHDOG_USEC: collect a few after READY.
        for _ in 0..<4 {
            _ = try await listener.message(timeout: .seconds(10)) {
                $0["WATCHDOG"] == "1" && $0.arrival > ready.arrival
            }
        }
        // Four keep-alives after READY: the cadence itself (half of WATCHDOG_USEC) is checked in
        // SystemdNotifierTests without a clock; gaps are not asserted on a shared machine.
        daemon.signal(SIGTERM)
        let exit = try await daemon.waitForExit(timeout: .seconds(10))
        #expect(exit.status == 0, "\(daemon.logLines.suffix(10))")
        #expect(listener.messages.contains { $0["STOPPING"] == "1" })
        #expect(daemon.logLines.contains { $0.contains("msg=\"netwarden stopped\"") })
        // It was watching and writing: samples carry the identity.
        let samples = scratch.outboxLines()
        #expect(
            samples.contains {
                $0.contains(#""name":"netwarden_link_up""#) && $0.contains(#""site":"oakfield""#)
                    && $0.contains(#""interface":"lo""#)
            }
        )
    }

    @Test func ctrlCStopsCleanly() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "beech")
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        try await daemon.waitForLog(containing: "netwarden ready")
        daemon.signal(SIGINT)
        let exit = try await daemon.waitForExit(timeout: .seconds(10))
        #expect(exit.status == 0)
    }

    @Test func sighupAppliesAValidConfigWithoutRestarting() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "oakfield")
        let listener = try NotifySocketListener.path()
        let daemon = try await DaemonUnderTest(
            arguments: ["run", "--config", scratch.configPath],
            environment: listener.environment
        )
        _ = try await listener.message(timeout: .seconds(20)) { $0["READY"] == "1" }
        let pid = daemon.pid

        try scratch.writeConfig(site: "willow", logLevel: "debug")
        let before = daemon.logLines.count
        daemon.signal(SIGHUP)
        let reloading = try await listener.message(timeout: .seconds(10)) { $0["RELOADING"] == "1" }
        #expect(reloading["MONOTONIC_USEC"] != nil)
        _ = try await listener.message(timeout: .seconds(10)) { $0["READY"] == "1" && $0.arrival > reloading.arrival }
        let line = try await daemon.waitForLog(containing: "configuration reloaded", after: before)
        #expect(line.contains("site oakfield -> willow") && line.contains("log_level info -> debug"))
        // Same process, new identity on what it writes and logs.
        #expect(daemon.process.isRunning && daemon.pid == pid)
        try await daemon.waitForLog(containing: "site=willow", after: before)
        let deadline = ContinuousClock.now + .seconds(10)
        while !scratch.outboxLines().contains(where: { $0.contains(#""site":"willow""#) })
            && ContinuousClock.now < deadline
        {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(scratch.outboxLines().contains { $0.contains(#""site":"willow""#) })
        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit().status == 0)
    }

    @Test func sighupWithAnInvalidConfigLogsEveryErrorAndKeepsRunning() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "oakfield")
        let listener = try NotifySocketListener.path()
        let daemon = try await DaemonUnderTest(
            arguments: ["run", "--config", scratch.configPath],
            environment: listener.environment
        )
        _ = try await listener.message(timeout: .seconds(20)) { $0["READY"] == "1" }

        // Two mistakes: a misspelt key (line 11) and a value out of range (line 15), in a file
        // that also renames the site: none of it may take effect.
        var text = try String(contentsOfFile: scratch.configPath, encoding: .utf8)
        text = text.replacingOccurrences(of: "log_level = ", with: "log_levle = ")
            .replacingOccurrences(of: "[link]\ninterval_seconds = 1", with: "[link]\ninterval_seconds = 0")
            .replacingOccurrences(of: #"site = "oakfield""#, with: #"site = "willow""#)
        try text.write(toFile: scratch.configPath, atomically: true, encoding: .utf8)
        let before = daemon.logLines.count
        daemon.signal(SIGHUP)
        let rejected = try await daemon.waitForLog(containing: "keeping the running configuration", after: before)
        #expect(rejected.contains("level=error") && rejected.contains("errors=2"))
        let log = daemon.logLines.dropFirst(before)
        #expect(
            log.contains {
                $0.contains("\(scratch.configPath):11: daemon.log_levle: unknown key; did you mean `log_level`?")
            }
        )
        #expect(
            log.contains { $0.contains("\(scratch.configPath):15: link.interval_seconds: 0 seconds is out of range") }
        )
        let reloading = try await listener.message(timeout: .seconds(10)) { $0["RELOADING"] == "1" }
        _ = try await listener.message(timeout: .seconds(10)) { $0["READY"] == "1" && $0.arrival > reloading.arrival }
        _ = try await listener.message(timeout: .seconds(10)) { $0["STATUS"]?.contains("last reload rejected") == true }
        #expect(daemon.process.isRunning)
        // Still the old identity: samples written after the rejection (wait for some) carry
        // the running site, not the one in the rejected file.
        let writtenBefore = scratch.outboxLines().count
        let deadline = ContinuousClock.now + .seconds(20)
        while scratch.outboxLines().count < writtenBefore + 5 && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let newer = scratch.outboxLines().dropFirst(writtenBefore)
        #expect(newer.count >= 5, "no samples written after the rejected reload")
        #expect(newer.allSatisfy { $0.contains(#""site":"oakfield""#) }, "\(newer.prefix(3))")
        #expect(try await daemon.waitForLog(containing: "site=oakfield", after: before).contains("site=oakfield"))

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit().status == 0)
    }

    @Test func underTheJournalLinesCarrySyslogPriorities() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "oakfield")
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath], journalStream: true)
        let ready = try await daemon.waitForLog(containing: "netwarden ready")
        #expect(ready.hasPrefix("<5>level=notice site=oakfield"))
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
        #expect(daemon.logLines.allSatisfy { $0.range(of: #"^<[0-7]>level="#, options: .regularExpression) != nil })
    }

    @Test func withoutTheJournalLinesStartWithATimestamp() async throws {
        let scratch = try Scratch()
        try scratch.writeConfig(site: "oakfield")
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        let ready = try await daemon.waitForLog(containing: "netwarden ready")
        #expect(
            ready.range(
                of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z level=notice site=oakfield"#,
                options: .regularExpression
            ) != nil
        )
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
    }

    @Test func aSecondInstanceOnTheSameStateDirectoryExitsWithStatus75() async throws {
        let scratch = try Scratch()
        // No /metrics: the second instance must fail on the state directory, not on a port.
        try scratch.writeConfig(site: "oakfield", extra: "\n[metrics]\nlisten = \"\"\n")
        let first = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        try await first.waitForLog(containing: "netwarden ready")

        let second = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        let exit = try await second.waitForExit(timeout: .seconds(10))
        #expect(exit.status == 75)
        let message = "another netwarden (pid \(first.pid)) is using \(scratch.stateDirectory)"
        #expect(second.logLines.contains { $0.contains("cannot start: \(message)") }, "\(second.logLines)")
        // The first one is untouched and still owns its state.
        #expect(first.process.isRunning)
        first.signal(SIGTERM)
        #expect(try await first.waitForExit().status == 0)
    }

    @Test func anInvalidConfigAtStartExitsWithStatus2() async throws {
        let scratch = try Scratch()
        try "[identity]\ntrust = \"t\"\n".write(toFile: scratch.configPath, atomically: true, encoding: .utf8)
        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", scratch.configPath])
        let exit = try await daemon.waitForExit(timeout: .seconds(10))
        #expect(exit.status == 2)
        #expect(
            daemon.logLines.contains {
                $0.contains("\(scratch.configPath):1: identity.site:") || $0.contains("identity.site")
            }
        )
    }
}
