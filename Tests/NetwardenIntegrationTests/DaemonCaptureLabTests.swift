import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// Live capture in the daemon: on the lab gateway's LAN side, a client resolves a listed
/// gambling name that the (unfiltered) resolver answers: the daemon reports the leak in the
/// journal and in outbox/events.jsonl, with the client pseudonymised.
@Suite(
    .requiresLab(.dnsmasq, .dig),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(2))
)
struct DaemonCaptureLabTests {
    typealias School = LabTopology.School

    @Test func aLeakSeenOnTheWireIsLoggedAndWrittenAsAnEvent() async throws {
        try await Lab.with(.school) { lab in
            _ = try await lab.startDNSServer(
                in: School.internet,
                .init(records: [.a("www.casino.example", "93.184.216.34")])
            )
            let (daemon, state) = try await Self.startDaemon(in: lab)
            _ = try await lab.run(
                in: School.client,
                ["dig", "+short", "+time=2", "+tries=1", "@\(School.serviceIPv4)", "www.casino.example"]
            )
            // The capture log line, not the alert rules' line (which names filter_leak too).
            let leak = try await daemon.waitForLog(
                containing: "subject=www.casino.example",
                after: 0,
                timeout: .seconds(20)
            )
            #expect(leak.contains("filter_leak"))
            #expect(leak.contains("level=warning") && leak.contains("category=gambling"))
            #expect(leak.contains("subject=www.casino.example"))
            #expect(!leak.contains(School.clientIPv4), "client addresses are pseudonymised")

            let text = try await Self.events(in: state, containing: "filter_leak", within: .seconds(10))
            #expect(text.contains(#""kind":"filter_leak""#) && text.contains(#""category":"gambling""#), "\(text)")
            #expect(FileManager.default.fileExists(atPath: state + "/pseudonym.key"))

            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        }
    }

    /// The daemon's outbox/events.jsonl once it contains `text`, or as it is after `limit`.
    static func events(in state: String, containing text: String, within limit: Duration) async throws -> String {
        let path = state + "/outbox/events.jsonl"
        let deadline = ContinuousClock.now + limit
        var contents = ""
        repeat {
            contents = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if contents.contains(text) { break }
            try await Task.sleep(for: .milliseconds(200))
        } while ContinuousClock.now < deadline
        return contents
    }

    /// The daemon capturing on the gateway's LAN side with `casino.example` listed as must-block
    /// gambling and the lab's service address as the school resolver; returns once capture runs.
    static func startDaemon(in lab: Lab, traffic: String = "all") async throws -> (DaemonUnderTest, state: String) {
        let state = lab.directory + "/daemon-state"
        let lists = lab.directory + "/gambling.txt"
        try "casino.example\n".write(toFile: lists, atomically: true, encoding: .utf8)
        let config = lab.directory + "/netwarden.toml"
        try """
        [identity]
        trust = "lab-trust"
        site = "lab-school"

        [interfaces]
        uplink = ["up0"]
        lan = ["lan0"]

        [daemon]
        state_directory = "\(state)"

        [link]
        interval_seconds = 1

        [probes]

        [capture]
        enabled = true
        traffic = "\(traffic)"

        [filter]
        resolvers = ["\(School.serviceIPv4)"]
        doh_lists = []
        doh_resolver_lists = []
        tor_relay_lists = []

        [[filter.category]]
        name = "gambling"
        policy = "must_block"
        lists = ["\(lists)"]
        """.write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try await DaemonUnderTest(
            arguments: ["run", "--config", config],
            launcher: ["/usr/sbin/ip", "netns", "exec", try lab.namespace(School.gateway)]
        )
        try await daemon.waitForLog(containing: "capture starting")
        try await Task.sleep(for: .milliseconds(500))  // let the capture thread open lan0
        return (daemon, state)
    }

    /// A question the resolver never answers is judged when its DNS flow goes idle (5 s), with
    /// no further packet on the link to drive the capture loop: expiry runs on a silent link.
    @Test func anUnansweredQuestionIsJudgedBlockedOnASilentLink() async throws {
        try await Lab.with(.school) { lab in
            // No DNS server in the internet namespace: the question goes out and nothing answers
            // on port 53 (an ICMP port unreachable is not a DNS answer). "names" keeps the
            // capture filter to TCP, DNS, 443 and 853, so background chatter on lan0 (neighbour
            // discovery, ICMP) never reaches the loop to drive expiry by the back door.
            let (daemon, state) = try await Self.startDaemon(in: lab, traffic: "names")
            _ = try? await lab.run(
                in: School.client,
                ["dig", "+short", "+time=1", "+tries=1", "@\(School.serviceIPv4)", "www.casino.example"]
            )
            // Blocks are evidence, not alarms: they go to the outbox, not the journal.
            let text = try await Self.events(in: state, containing: "filter_blocked", within: .seconds(30))
            #expect(text.contains(#""kind":"filter_blocked""#), "\(text)")
            #expect(text.contains(#""subject":"www.casino.example""#) && text.contains(#""method":"dns_answer""#))
            daemon.signal(SIGTERM)
            #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        }
    }
}
