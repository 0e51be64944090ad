import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The daemon on a lab gateway: it watches the gateway's real uplink and LAN, probes real
/// servers, keeps probing while some targets are dead, and notices the uplink going down.
@Suite(
    .requiresLab(.dnsmasq, .nginx),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct DaemonInLabTests {
    typealias School = LabTopology.School

    @Test func watchesTheGatewayProbesServersAndSurvivesDeadTargets() async throws {
        try await Lab.with(.school) { lab in
            _ = try await lab.startDNSServer(
                in: School.internet,
                .init(records: [.a("www.lab.example", School.serviceIPv4)], localDomains: ["lab.example"])
            )
            _ = try await lab.startHTTPServer(
                in: School.internet,
                .init(routes: [.init("/", status: 200, body: "lab home")])
            )
            let state = lab.directory + "/daemon-state"
            let config = lab.directory + "/netwarden.toml"
            try """
            [identity]
            trust = "lab-trust"
            site = "lab-school"
            gateway = "lab-gw"

            [interfaces]
            uplink = "auto"
            lan = ["lan0"]

            [daemon]
            state_directory = "\(state)"
            status_interval_seconds = 1

            [link]
            interval_seconds = 1

            [probes]
            interval_seconds = 1
            timeout_seconds = 0.5

            [[probes.icmp]]
            name = "first-hop"
            target = "default-gateway"
            count = 3
            spacing_seconds = 0.05

            [[probes.icmp]]
            name = "dead-host"
            target = "10.200.100.99"
            count = 3
            spacing_seconds = 0.05

            [[probes.icmp]]
            name = "missing-interface"
            target = "\(School.serviceIPv4)"
            interface = "nope0"
            count = 1

            [[probes.dns]]
            name = "lab-resolver"
            resolver = "\(School.serviceIPv4)"
            query = "www.lab.example"

            [[probes.tcp]]
            name = "closed-port"
            target = "\(School.serviceIPv4)"
            port = 81

            [[probes.http]]
            name = "lab-home"
            url = "http://\(School.serviceIPv4)/"
            body_contains = "lab home"
            """.write(toFile: config, atomically: true, encoding: .utf8)

            let listener = try NotifySocketListener.path()
            let daemon = try await DaemonUnderTest(
                arguments: ["run", "--config", config],
                environment: listener.environment,
                launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.gateway)]
            )
            _ = try await listener.message(timeout: .seconds(20)) { $0["READY"] == "1" }
            try await daemon.waitForLog(containing: "interface=up0")
            try await daemon.waitForLog(containing: "probe=dead-host")

            // Keep reading the outbox until each working probe has succeeded three times while
            // the dead ones keep failing: a dead target never holds the others up.
            let outbox = state + "/outbox/samples.jsonl"
            func successes(_ probe: String, value: Int) -> Int {
                let text = (try? String(contentsOfFile: outbox, encoding: .utf8)) ?? ""
                return text.split(separator: "\n").filter {
                    $0.contains(#""name":"probe_success""#) && $0.contains(#""probe":"\#(probe)""#)
                        && $0.hasSuffix(#""value":\#(value)}"#)
                }.count
            }
            let deadline = ContinuousClock.now + .seconds(40)
            let working = ["first-hop", "lab-resolver", "lab-home"]
            let failing = ["dead-host", "missing-interface", "closed-port"]
            while ContinuousClock.now < deadline
                && !(working.allSatisfy { successes($0, value: 1) >= 3 }
                    && failing.allSatisfy { successes($0, value: 0) >= 2 })
            {
                try await Task.sleep(for: .milliseconds(200))
            }
            for probe in working { #expect(successes(probe, value: 1) >= 3, "\(probe)") }
            for probe in failing { #expect(successes(probe, value: 0) >= 2, "\(probe)") }
            let log = daemon.logLines
            #expect(log.contains { $0.contains("probe=dead-host") && $0.contains("reason=timeout") })
            #expect(log.contains { $0.contains("probe=missing-interface") && $0.contains("reason=no_interface") })
            #expect(log.contains { $0.contains("probe=closed-port") && $0.contains("reason=refused") })
            // Link samples for the auto-detected uplink and the LAN, with identity labels.
            let samples = (try? String(contentsOfFile: outbox, encoding: .utf8)) ?? ""
            #expect(samples.contains(#""interface":"up0","role":"uplink"},"value":1}"#))
            #expect(samples.contains(#""interface":"lan0","role":"lan"},"value":1}"#))
            #expect(samples.contains(#""site":"lab-school""#))

            // The uplink fails: the daemon says so and the first-hop probe starts failing.
            let before = daemon.logLines.count
            try await lab.run(in: School.gateway, ["ip", "link", "set", "up0", "down"])
            try await daemon.waitForLog(containing: "interface went down", after: before)
            try await daemon.waitForLog(containing: "default route lost", after: before)
            let failed = try await daemon.waitForLog(containing: "probe=first-hop", after: before)
            #expect(failed.contains("probe failed"))

            daemon.signal(SIGTERM)
            let exit = try await daemon.waitForExit(timeout: .seconds(10))
            #expect(exit.status == 0)
        }
    }
}
