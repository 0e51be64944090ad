import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The whole path across the lab network: the daemon on the lab gateway probes a server on the
/// internet side, the collector and the IT team's webhook receiver live on the internet side
/// too. An nftables rule on the gateway takes the probe target down (connections reset); the
/// daemon fires, the collector routes, the receiver gets exactly one firing notification;
/// removing the rule brings it back and exactly one resolution follows.
@Suite(
    .requiresLab(.nft, .python3, .curl),
    .enabled(if: collectorBuilt && DaemonUnderTest.isBuilt, "netwarden and netwarden-collector must be built"),
    .timeLimit(.minutes(3))
)
struct AlertRoutingLabTests {
    typealias School = LabTopology.School

    /// Records each POST body as `request <json>` (stdlib only), answers 204.
    static let receiverScript = """
        import http.server, json, sys
        class Hook(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                sys.stdout.write("request " + json.dumps({"path": self.path, "body": body.decode()}) + "\\n")
                sys.stdout.flush()
                self.send_response(204)
                self.end_headers()
        server = http.server.HTTPServer(("127.0.0.1", 9099), Hook)
        print("listening", flush=True)
        server.serve_forever()
        """

    static let targetScript = """
        import socket
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("\(School.serviceIPv4)", 8443))
        s.listen(64)
        print("listening", flush=True)
        while True:
            c, _ = s.accept()
            c.close()
        """

    static func bodies(_ receiver: BackgroundProcess) -> [[String: Any]] {
        receiver.lines.filter { !$0.isStandardError && $0.text.hasPrefix("request ") }.map {
            let record = AlertingTestSupport.json(String($0.text.dropFirst("request ".count)))
            return AlertingTestSupport.json(record["body"] as? String ?? "")
        }
    }

    @Test func aLabProbeTargetGoingDownAndBackIsRoutedOnceEachWay() async throws {
        try await Lab.with(.school) { lab in
            let receiver = try await lab.start(in: School.internet, ["python3", "-u", "-c", Self.receiverScript])
            try await receiver.waitForLine(containing: "listening", timeout: .seconds(15))
            let target = try await lab.start(in: School.internet, ["python3", "-u", "-c", Self.targetScript])
            try await target.waitForLine(containing: "listening", timeout: .seconds(15))

            let collectorConfig = lab.directory + "/collector.toml"
            try """
            [server]
            listen = "\(School.serviceIPv4):9814"

            [storage]
            database = "\(lab.directory)/collector.sqlite"

            [alerts]
            offline_after_seconds = 60

            [[receiver]]
            name = "it-team"
            kind = "webhook"
            url = "http://127.0.0.1:9099/hook"

            [[route]]
            receiver = "it-team"
            group_wait_seconds = 1
            group_interval_seconds = 1
            repeat_interval_seconds = 3600
            """.write(toFile: collectorConfig, atomically: true, encoding: .utf8)
            let token = try await Command(
                [CollectorUnderTest.binaryPath, "agent", "add", "lab-school-gw", "--config", collectorConfig]
            ).run().standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
            let collector = try await lab.start(
                in: School.internet,
                [CollectorUnderTest.binaryPath, "run", "--config", collectorConfig]
            )
            try await collector.waitForLine(containing: "listening on", timeout: .seconds(20))

            let state = lab.directory + "/daemon-state"
            try "\(token)\n".write(toFile: lab.directory + "/agent.token", atomically: true, encoding: .utf8)
            let daemonConfig = lab.directory + "/netwarden.toml"
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

            [link]
            interval_seconds = 1

            [[probes.tcp]]
            name = "vle"
            target = "\(School.serviceIPv4)"
            port = 8443
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

            [[outputs.collector]]
            name = "trust"
            url = "http://\(School.serviceIPv4):9814/"
            token_file = "\(lab.directory)/agent.token"
            """.write(toFile: daemonConfig, atomically: true, encoding: .utf8)
            let daemon = try await DaemonUnderTest(
                arguments: ["run", "--config", daemonConfig],
                launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.gateway)]
            )
            defer { daemon.signal(SIGKILL) }
            try await daemon.waitForLog(containing: "probe=vle")
            // Let the probe succeed a few times (delivered and stored) before the target goes.
            try await Task.sleep(for: .seconds(3))
            #expect(Self.bodies(receiver).isEmpty)

            let block = try await lab.addNFTable(
                in: School.gateway,
                name: "vle_down",
                body: """
                    chain out { type filter hook output priority 0; ip daddr \(School.serviceIPv4) tcp dport 8443 reject with tcp reset; }
                    """
            )
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) { !Self.bodies(receiver).isEmpty },
                "\(collector.lines.suffix(20).map(\.description).joined(separator: "\n"))"
            )
            try await lab.removeNFTable(block)
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(60)) { Self.bodies(receiver).count >= 2 }
            )
            try await Task.sleep(for: .seconds(4))
            daemon.signal(SIGTERM)
            _ = try await daemon.waitForExit()

            let bodies = Self.bodies(receiver)
            #expect(bodies.count == 2, "\(bodies)")
            #expect(bodies.first?["status"] as? String == "firing")
            #expect(bodies.last?["status"] as? String == "resolved")
            for body in bodies {
                let alert = (body["alerts"] as? [[String: Any]])?.first
                let labels = alert?["labels"] as? [String: String] ?? [:]
                #expect(labels["alertname"] == "probe_down" && labels["probe"] == "vle")
                #expect(labels["site"] == "lab-school" && labels["gateway"] == "lab-gw")
            }
        }
    }
}
