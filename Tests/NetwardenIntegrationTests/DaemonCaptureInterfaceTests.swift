import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// Capture on several interfaces when one of them cannot be opened: the others capture, the
/// missing one is retried with backoff, logged once and visible as metrics.
@Suite(
    .requiresLab(),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct DaemonCaptureInterfaceTests {
    typealias School = LabTopology.School

    @Test func aMissingInterfaceIsRetriedWithoutStoppingTheOthers() async throws {
        try await Lab.with(.school) { lab in
            let state = lab.directory + "/daemon-state"
            let config = lab.directory + "/netwarden.toml"
            try """
            [identity]
            trust = "lab-trust"
            site = "lab-school"

            [interfaces]
            uplink = ["up0"]

            [daemon]
            state_directory = "\(state)"

            [link]
            interval_seconds = 1

            [probes]

            [capture]
            enabled = true
            interfaces = ["nope0", "\(School.lanInterface)"]

            [filter]
            doh_lists = []
            doh_resolver_lists = []
            tor_relay_lists = []
            """.write(toFile: config, atomically: true, encoding: .utf8)
            let daemon = try await DaemonUnderTest(
                arguments: ["run", "--config", config],
                launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.gateway)]
            )
            defer { daemon.signal(SIGKILL) }

            let up = try await daemon.waitForLog(containing: "capture interface up")
            #expect(up.contains("interface=\(School.lanInterface)"))
            // Three failed opens of nope0 prove the worker retried on its own...
            let failures = try await Self.sample(
                in: state,
                name: "netwarden_capture_open_failures_total",
                interface: "nope0"
            ) { $0 >= 3 }
            #expect(failures >= 3)
            // ...while lan0 stayed up and capture itself never restarted.
            let lanUp = try await Self.sample(
                in: state,
                name: "netwarden_capture_interface_up",
                interface: School.lanInterface
            ) { _ in true }
            #expect(lanUp == 1)
            let nopeUp = try await Self.sample(in: state, name: "netwarden_capture_interface_up", interface: "nope0") {
                _ in true
            }
            #expect(nopeUp == 0)
            let log = daemon.logLines
            #expect(log.count { $0.contains("capture starting") } == 1, "\(log.suffix(20))")
            // One line per change of state, however many attempts failed.
            let downLines = log.filter { $0.contains("capture interface down") }
            #expect(downLines.count == 1, "\(downLines)")
            #expect(downLines.first?.contains("interface=nope0") == true)
            // The interface is named once, in its field, not again inside the error text.
            #expect(downLines.first?.contains("nope0: ") == false, "\(downLines)")

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        }
    }

    /// The latest value of sample `name` (for `interface`, when given) in the outbox that satisfies `accept`,
    /// waiting (bounded) for one to be written.
    static func sample(
        in state: String,
        name: String,
        interface: String?,
        within limit: Duration = .seconds(60),
        accept: (Double) -> Bool
    ) async throws -> Double {
        let path = state + "/outbox/samples.jsonl"
        let deadline = ContinuousClock.now + limit
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n").reversed()
            where line.contains(#""name":"\#(name)""#)
                && interface.map({ line.contains(#""interface":"\#($0)""#) }) ?? true
            {
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                    let value = object["value"] as? Double
                else { continue }
                if accept(value) { return value }
                break
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw DaemonTestError("no \(name){interface=\(interface ?? "*")} sample accepted within \(limit)", log: [])
    }
}
