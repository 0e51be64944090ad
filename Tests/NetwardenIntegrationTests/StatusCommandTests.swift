import Foundation
import NetwardenTestSupport
import Testing

/// `netwarden status` against a running daemon: the JSON contract, the text screen, and no
/// answer for users outside root and the service's group.
@Suite(
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct StatusCommandTests {
    static func status(_ arguments: [String], as user: [String] = []) async throws -> CommandOutput {
        try await Command(user + [DaemonUnderTest.binaryPath, "status"] + arguments).run(check: false)
    }

    @Test func showsProbesAndOpenAlertsAndRefusesOtherUsers() async throws {
        let scratch = try DeliveryScratch()
        let closed = try SilentTCPListener.closedPort()
        let socketDirectory = scratch.directory.path + "/run"
        let socket = socketDirectory + "/status.sock"
        try scratch.writeConfig(
            outputs: "",
            extra: """
                [[probes.tcp]]
                name = "closed-port"
                target = "127.0.0.1"
                port = \(closed)
                interval_seconds = 1

                [alerts]
                include_defaults = false

                [[alerts.rule]]
                name = "probe_down"
                metric = "probe_success"
                below = 1
                for_intervals = 2
                clear_intervals = 2
                severity = "critical"
                """
        )
        var text = try String(contentsOfFile: scratch.configPath, encoding: .utf8)
        text = text.replacingOccurrences(
            of: "[daemon]\n",
            with: "[daemon]\nstatus_socket = \"\(socket)\"\n"
        )
        try text.write(toFile: scratch.configPath, atomically: true, encoding: .utf8)
        let daemon = try await scratch.start()
        _ = try await daemon.waitForLog(containing: "alert firing")

        let json = try await Self.status(["--socket", socket, "--json"])
        #expect(json.succeeded, "\(json.standardErrorText)")
        let report = try #require(JSONSerialization.jsonObject(with: Data(json.standardOutput)) as? [String: Any])
        let probes = try #require(report["probes"] as? [[String: Any]])
        let probe = try #require(probes.first { $0["name"] as? String == "closed-port" }, "\(probes)")
        #expect(probe["success"] as? Bool == false)
        #expect((probe["last_run"] as? NSNumber)?.int64Value ?? 0 > 1_600_000_000_000)
        let alerts = try #require(report["alerts"] as? [[String: Any]])
        let alert = try #require(alerts.first, "\(report)")
        #expect(alert["name"] as? String == "probe_down")
        #expect(alert["state"] as? String == "firing")
        #expect((alert["labels"] as? [String: String])?["probe"] == "closed-port")
        #expect((alert["since"] as? NSNumber)?.int64Value ?? 0 > 1_600_000_000_000)

        // The config names the socket too, and the text screen fits what a technician asks.
        let screen = try await Self.status(["--config", scratch.configPath])
        #expect(screen.succeeded)
        #expect(screen.standardOutputText.contains("FAIL closed-port (tcp 127.0.0.1)"), "\(screen.standardOutputText)")
        #expect(screen.standardOutputText.contains("firing critical probe_down"), "\(screen.standardOutputText)")

        // The socket is 0660 in a 0750 directory: another user gets a clear refusal.
        var info = stat()
        #expect(stat(socket, &info) == 0 && info.st_mode & 0o777 == 0o660)
        if getuid() == 0, LabProgram("setpriv", debianPackage: "util-linux").isInstalled {
            let other = try await Self.status(
                ["--socket", socket],
                as: ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
            )
            #expect(other.termination == .exited(2))
            #expect(other.standardErrorText.contains("permission denied"), "\(other.standardErrorText)")
        }
        daemon.signal(SIGTERM)
        _ = try await daemon.waitForExit()
        #expect(!FileManager.default.fileExists(atPath: socket), "the socket is removed on stop")
    }
}
