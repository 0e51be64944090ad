import Foundation
import NetwardenTestSupport
import Testing

/// The shipped unit file, checked the way an administrator would: `systemd-analyze security`
/// must rate it 2.0 or lower, `systemd-analyze verify` must find nothing wrong beyond the binary
/// not being installed here, and the directives the daemon relies on must be there.
@Suite(.timeLimit(.minutes(1))) struct SystemdUnitTests {
    /// `systemd/netwarden.service` in this checkout, found from this file's location.
    static let unitPath: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }  // Tests/NetwardenIntegrationTests/<file>
        return url.appendingPathComponent("systemd/netwarden.service").path
    }()

    static let analyze: String? = ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    /// `--offline=` arrived in systemd 250; older versions reject the option.
    static func analyzeSupportsOffline() async -> Bool { await offlineProbe.value }

    private static let offlineProbe = Task<Bool, Never> {
        guard let analyze, let result = try? await run(analyze, ["--version"]) else { return false }
        let version = result.output.split(separator: " ").dropFirst().first.flatMap { Int($0) }
        return (version ?? 0) >= 250
    }

    @Test(.enabled("needs systemd-analyze >= 250 (for --offline=yes)") { await analyzeSupportsOffline() })
    func securityExposureIsAtMostTwo() async throws {
        let result = try await Self.run(Self.analyze!, ["security", "--offline=yes", "--no-pager", Self.unitPath])
        let exposure = try #require(
            Self.overallExposure(in: result.output),
            "no 'Overall exposure level' line; systemd-analyze said:\n\(result.output)"
        )
        #expect(
            exposure <= 2.0,
            "exposure \(exposure):\n\(result.output.split(separator: "\n").filter { $0.hasPrefix("✗") }.joined(separator: "\n"))"
        )
    }

    @Test(.enabled(if: analyze != nil, "needs systemd-analyze (package systemd)"))
    func verifyFindsNothingButTheMissingBinary() async throws {
        // verify wants ExecStart= to exist; on a build machine the daemon is not installed, so
        // that one complaint is expected and everything else must be clean. The Documentation=
        // man pages are generated when packaging (--man=no here); DebianPackageTests verifies
        // the installed unit with them.
        let result = try await Self.run(Self.analyze!, ["verify", "--man=no", "--no-pager", Self.unitPath])
        let complaints = result.output.split(separator: "\n").map(String.init).filter {
            !$0.contains("/usr/bin/netwarden is not executable")
        }
        #expect(complaints.isEmpty, "systemd-analyze verify: \(complaints)")
    }

    @Test func unitHasTheDirectivesTheDaemonDependsOn() throws {
        let unit = try Self.directives(in: String(contentsOfFile: Self.unitPath, encoding: .utf8))
        #expect(unit["Type"] == ["notify"])
        #expect(unit["NotifyAccess"] == ["main"])
        #expect(unit["ExecStart"] == ["/usr/bin/netwarden run --config /etc/netwarden/netwarden.toml"])
        #expect(unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"])
        #expect(unit["WatchdogSec"] == ["30s"])
        #expect(unit["Restart"] == ["on-failure"])
        #expect(unit["StateDirectory"] == ["netwarden"])
        #expect(unit["ConfigurationDirectory"] == ["netwarden"])
        // The one capability, both granted and bounded; nothing else may appear in either.
        #expect(unit["AmbientCapabilities"] == ["CAP_NET_RAW"])
        #expect(unit["CapabilityBoundingSet"] == ["CAP_NET_RAW"])
        // Graceful stop takes up to 5 s; systemd must wait longer than that before SIGKILL.
        let stop = try #require(unit["TimeoutStopSec"]?.last)
        let seconds = try #require(Int(stop.replacingOccurrences(of: "s", with: "")))
        #expect(seconds > 5 && seconds <= 30)
        // The sandbox must leave what the daemon reads and the sockets it opens.
        #expect(unit["ProcSubset"] == nil, "ProcSubset=pid would hide /proc/net")
        #expect(unit["PrivateNetwork"] == nil && unit["PrivateUsers"] == nil && unit["IPAddressDeny"] == nil)
        let families = Set(try #require(unit["RestrictAddressFamilies"]?.last).split(separator: " ").map(String.init))
        #expect(families == ["AF_UNIX", "AF_INET", "AF_INET6", "AF_NETLINK", "AF_PACKET"])
    }

    // MARK: helpers

    /// The number in "→ Overall exposure level for netwarden.service: 1.6 OK 🙂" (the face is
    /// ":-)" without a UTF-8 locale, so the number is matched, not found by the last colon).
    static func overallExposure(in output: String) -> Double? {
        let pattern = #/Overall exposure level for \S+: ([0-9]+(?:\.[0-9]+)?)/#
        return output.firstMatch(of: pattern).flatMap { Double($0.output.1) }
    }

    /// Key -> every value assigned to it, in order (comments and section headers skipped).
    static func directives(in text: String) throws -> [String: [String]] {
        var result: [String: [String]] = [:]
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix(";"), !line.hasPrefix("["),
                let equals = line.firstIndex(of: "=")
            else { continue }
            result[String(line[..<equals]), default: []].append(String(line[line.index(after: equals)...]))
        }
        return result
    }

    /// Runs a tool and returns its status and what it printed (stdout, then stderr).
    static func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        // No colours or pager; a stable, parseable report.
        let output = try await Command(
            [executable] + arguments,
            environment: ["SYSTEMD_COLORS": "0", "SYSTEMD_PAGER": "", "LANG": "C.UTF-8", "PATH": "/usr/bin:/bin"],
            timeout: .seconds(50)
        ).run(check: false)
        let status: Int32
        switch output.termination {
        case .exited(let code), .signalled(let code): status = code
        }
        return (status, output.standardOutputText + output.standardErrorText)
    }
}
