import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The daemon with `[filter_tests] enabled` on a lab client behind the filtering gateway: its
/// scheduled run reports status gauges and `filter_compliance` events through the outbox like
/// every other record, and leaves a compliance log whose chain `filter-test --verify-log` accepts.
@Suite(
    .requiresLab(.nft, .dnsmasq, .nginx, .openssl),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct DaemonFilterTestLabTests {
    typealias School = LabTopology.School

    @Test func theDaemonRunsTheChecksAndKeepsTheEvidence() async throws {
        try await Lab.with(.school) { lab in
            let built = try await FilterTestLabTests.buildFilteringGateway(
                lab,
                extraSettings: "enabled = true\ninterval_seconds = 60\nsafe_search = false"
            )
            // The gateway's [filter_tests] settings, with one canary of our own instead of the
            // full list: the daemon spreads checks over the interval, so fewer checks, shorter test.
            let text = try String(contentsOfFile: built, encoding: .utf8)
            let head = try #require(text.components(separatedBy: "[[filter_tests.safe_search_target]]").first)
            let state = lab.directory + "/daemon-state"
            let config = lab.directory + "/daemon.toml"
            try """
            \(head)
            [[filter_tests.canary]]
            name = "dns-nxdomain"
            category = "gambling"
            url = "https://nx.lab/"
            expect = "blocked"

            [interfaces]
            uplink = ["\(School.lanInterface)"]

            [daemon]
            state_directory = "\(state)"
            status_interval_seconds = 1
            status_socket = "\(state)/status.sock"

            [link]
            interval_seconds = 1
            """.write(toFile: config, atomically: true, encoding: .utf8)

            let daemon = try await DaemonUnderTest(
                arguments: ["run", "--config", config],
                launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.client)]
            )
            try await daemon.waitForLog(containing: "filter test run finished", timeout: .seconds(90))

            let events = (try? String(contentsOfFile: state + "/outbox/events.jsonl", encoding: .utf8)) ?? ""
            let compliance = events.split(separator: "\n").filter { $0.contains(#""kind":"filter_compliance""#) }
            #expect(compliance.contains { $0.contains("dns-nxdomain") && $0.contains(#""status":"pass""#) })
            #expect(compliance.count == 2, "\(compliance)")  // the canary and the interception check

            let samples = (try? String(contentsOfFile: state + "/outbox/samples.jsonl", encoding: .utf8)) ?? ""
            #expect(
                samples.split(separator: "\n").contains {
                    $0.contains(#""name":"netwarden_filter_test_status""#) && $0.contains(#""check":"dns-nxdomain""#)
                        && $0.contains(#""status":"pass""#) && $0.hasSuffix(#""value":1}"#)
                }
            )

            let log = state + "/compliance/compliance.jsonl"
            let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            let verified = try await Command([DaemonUnderTest.binaryPath, "filter-test", "--verify-log", log]).run(
                check: false
            )
            #expect(verified.termination == .exited(0), "\(verified.standardErrorText)")

            // `netwarden status` summarises the last run for the technician.
            let status = try await Command(
                [DaemonUnderTest.binaryPath, "status", "--socket", state + "/status.sock", "--json"]
            ).run(check: false)
            let report = try #require(
                JSONSerialization.jsonObject(with: Data(status.standardOutput)) as? [String: Any],
                "\(status.standardErrorText)"
            )
            let tests = try #require(report["filter_tests"] as? [String: Any], "\(report)")
            #expect(tests["pass"] as? Int == 2 && tests["fail"] as? Int == 0, "\(tests)")
            let screen = try await Command([DaemonUnderTest.binaryPath, "status", "--socket", state + "/status.sock"])
                .run(check: false)
            #expect(
                screen.standardOutputText.contains("2 pass, 0 fail, 0 inconclusive"),
                "\(screen.standardOutputText)"
            )

            daemon.signal(SIGTERM)
            let exit = try await daemon.waitForExit(timeout: .seconds(10))
            #expect(exit.status == 0)
        }
    }
}
