import Foundation
import Glibc
import NetwardenTestSupport
import Synchronization
import Testing

private typealias School = LabTopology.School

/// The command runner on its own: no lab, no root needed.
@Suite struct LabCommandTests {
    /// The child gets exactly the environment it was given, every time: an unterminated entry
    /// once let the spawn read past it, and daemons now and then lost NOTIFY_SOCKET.
    @Test(.timeLimit(.minutes(1)))
    func aChildSeesExactlyTheEnvironmentItWasGiven() async throws {
        let given = [
            "NOTIFY_SOCKET": "/tmp/nw-notify-check", "WATCHDOG_USEC": "400000", "PATH": "/usr/bin:/bin",
        ]
        let expected = given.map { "\($0.key)=\($0.value)" }.sorted()
        for _ in 0..<40 {
            let output = try await Command(["/usr/bin/env"], environment: given, timeout: .seconds(20)).run()
            let seen = output.standardOutputText.split(separator: "\n").map(String.init).sorted()
            #expect(seen == expected)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func capturesOutputStatusAndStandardInput() async throws {
        let output = try await Command(["sh", "-c", "cat; echo oops >&2; exit 3"], standardInput: Array("hi\n".utf8))
            .run(check: false)
        #expect(output.termination == .exited(3))
        #expect(output.standardOutputText == "hi\n")
        #expect(output.standardErrorText == "oops\n")

        let error = await #expect(throws: CommandError.self) {
            try await Command(["sh", "-c", "echo bad config >&2; exit 2"]).run()
        }
        #expect(error?.code == .nonZeroExit)
        #expect(error?.description.contains("bad config") == true)
        #expect(error?.description.contains("sh -c") == true)
    }

    @Test(.timeLimit(.minutes(1)))
    func timeoutKillsTheWholeProcessGroup() async throws {
        let marker = NSTemporaryDirectory() + "/netwarden-lab-test-\(UUID().uuidString)"
        // The grandchild would touch the marker after 2 s if the group survived the timeout, and
        // an unkilled `sleep 300` would outlast the test's time limit.
        let error = await #expect(throws: CommandError.self) {
            try await Command(["sh", "-c", "(sleep 2; touch \(marker)) & sleep 300"], timeout: .milliseconds(300)).run()
        }
        #expect(error?.code == .timedOut)
        try await Task.sleep(for: .seconds(3))
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test(.timeLimit(.minutes(1)))
    func aGrandchildHoldingThePipeDoesNotHoldUpTheRun() async throws {
        // The background sleep inherits stdout; the run must end when `sh` does, not when the
        // sleep lets go of the pipe (the 20 s timeout would fail the test first).
        let output = try await Command(["sh", "-c", "sleep 30 & echo $!"], timeout: .seconds(20)).run()
        let sleeper = try #require(pid_t(output.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)))
        kill(sleeper, SIGKILL)
        #expect(output.termination == .exited(0))
    }

    @Test(.timeLimit(.minutes(1)))
    func cancellingARunKillsItsProcessGroup() async throws {
        let pidFile = NSTemporaryDirectory() + "/netwarden-cancel-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: pidFile) }
        let run = Task {
            try await Command(["sh", "-c", "echo $$ > \(pidFile); sleep 300 & sleep 300"], timeout: .seconds(50)).run()
        }
        var group: pid_t?
        while group == nil {
            try await Task.sleep(for: .milliseconds(10))
            let text = try? String(contentsOfFile: pidFile, encoding: .utf8)
            group = text.flatMap { pid_t($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        run.cancel()
        await #expect(throws: CancellationError.self) { try await run.value }
        // Both sleeps and the shell are gone, and the shell was reaped (no zombie is left).
        #expect(await Self.processGroupEnds(group!))
    }

    @Test(.timeLimit(.minutes(1)))
    func terminateReapsTheWholeGroup() async throws {
        let process = try await BackgroundProcess(["sh", "-c", "sleep 300 & echo up; wait"])
        try await process.waitForLine(containing: "up")
        #expect(await process.terminate(grace: .seconds(5)) == .signalled(SIGTERM))
        #expect(await Self.processGroupEnds(process.pid))
    }

    /// Whether no process of `group` is left alive within a generous bound. Zombies count as
    /// gone: orphaned members are reaped by whatever init the machine has, if at all.
    static func processGroupEnds(_ group: pid_t) async -> Bool {
        for _ in 0..<500 {
            if livingMembers(of: group).isEmpty { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }

    /// Pids in process group `group` that are not zombies, from /proc/PID/stat.
    static func livingMembers(of group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry -> pid_t? in
            guard let pid = pid_t(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return nil }
            // After "pid (comm)": state, ppid, pgrp, ...
            let fields = stat[stat.index(after: end)...].split(separator: " ")
            guard fields.count > 2, fields[0] != "Z", pid_t(fields[2]) == group else { return nil }
            return pid
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func missingProgramIsNamed() async throws {
        let error = await #expect(throws: CommandError.self) { try await Command("nwl-no-such-program").run() }
        #expect(error?.code == .programNotFound)
    }

    @Test(.timeLimit(.minutes(1)))
    func backgroundProcessLinesAndTermination() async throws {
        let process = try await BackgroundProcess(
            ["sh", "-c", "echo starting; trap 'echo bye; exit 0' TERM; echo ready >&2; while :; do sleep 0.05; done"])
        let line = try await process.waitForLine(containing: "ready")
        #expect(line == "ready")
        #expect(process.isRunning)
        let termination = await process.terminate(grace: .seconds(5))
        #expect(termination == .exited(0))
        #expect(process.lines.map(\.text).contains("bye"))

        // A process that ignores SIGTERM is killed after the grace period.
        let stubborn = try await BackgroundProcess(["sh", "-c", "trap '' TERM; echo up; while :; do sleep 0.05; done"])
        try await stubborn.waitForLine(containing: "up")
        #expect(await stubborn.terminate(grace: .milliseconds(200)) == .signalled(SIGKILL))

        let early = try await BackgroundProcess(["sh", "-c", "echo config error >&2; exit 1"])
        let error = await #expect(throws: CommandError.self) { try await early.waitForLine(containing: "never") }
        #expect(error?.code == .exitedEarly)
        #expect(error?.description.contains("config error") == true)
    }
}

/// The lab itself: needs root and iproute2; each test says which servers it needs.
@Suite struct LabTests {
    @Test(.requiresLab(.ping), .timeLimit(.minutes(1)))
    func clientPingsTheInternetThroughTheGateway() async throws {
        try await Lab.with(.school) { lab in
            for target in [School.serviceIPv4, School.serviceIPv6] {
                let output = try await lab.run(
                    in: School.client,
                    ["ping", "-c", "2", "-i", "0.2", "-W", "2", target],
                    timeout: .seconds(15)
                )
                #expect(output.standardOutputText.contains("2 received"), "\(output.standardOutputText)")
            }
            // The path really goes through the gateway: the TTL arrives one lower.
            let traced = try await lab.run(in: School.client, ["ping", "-c", "1", "-W", "2", School.serviceIPv4])
            #expect(traced.standardOutputText.contains("ttl=63"))
        }
    }

    @Test(.requiresLab(.dnsmasq), .timeLimit(.minutes(1)))
    func dnsmasqAnswersConfiguredRecordsToTheClient() async throws {
        let longText = (0..<8).map { index in String(repeating: Character(UnicodeScalar(UInt8(97 + index))), count: 200)
        }
        let configuration = DNSServerConfiguration(
            records: [
                .a("school.example", "10.9.9.9"), .aaaa("school.example", "fd00:9::9"),
                .domain("blocked.example", address: "0.0.0.0"), .txt("big.example", longText),
            ],
            localDomains: ["example"]
        )
        try await Lab.with(.school) { lab in
            let dns = try await lab.startDNSServer(in: School.internet, configuration)
            #expect(dns.addresses.first == School.serviceIPv4)
            let server = School.serviceIPv4

            let a = try await lab.dnsQuery(from: School.client, server: server, name: "school.example")
            #expect(a.responseCode == 0)
            #expect(a.addresses == ["10.9.9.9"])
            let aaaa = try await lab.dnsQuery(
                from: School.client,
                server: School.serviceIPv6,
                name: "school.example",
                type: LabDNSClient.RecordType.aaaa
            )
            #expect(aaaa.addresses == ["fd00:9::9"])

            let blocked = try await lab.dnsQuery(from: School.client, server: server, name: "www.blocked.example")
            #expect(blocked.addresses == ["0.0.0.0"])
            let unknown = try await lab.dnsQuery(from: School.client, server: server, name: "nothing.example")
            #expect(unknown.responseCode == 3)  // NXDOMAIN

            // 1.6 KB of TXT does not fit 512 bytes of UDP: truncated; TCP carries all of it.
            let overUDP = try await lab.dnsQuery(
                from: School.client,
                server: server,
                name: "big.example",
                type: LabDNSClient.RecordType.txt
            )
            #expect(overUDP.isTruncated)
            let overTCP = try await lab.dnsQuery(
                from: School.client,
                server: server,
                name: "big.example",
                type: LabDNSClient.RecordType.txt,
                overTCP: true
            )
            #expect(!overTCP.isTruncated)
            #expect(overTCP.answers.map(\.value).joined().count == longText.joined().count)
            #expect(overTCP.size > 512)

            try await dns.process.waitForLine(containing: "query[A] school.example")
        }
    }

    @Test(.requiresLab(.nginx, .openssl), .timeLimit(.minutes(1)))
    func nginxServesConfiguredResponsesToTheClient() async throws {
        let configuration = HTTPServerConfiguration(
            routes: [
                .init("/", body: "hello from the lab\n"),
                .init(
                    "/blocked",
                    status: 451,
                    body: "Blocked by policy: $category \"adult\"\n",
                    contentType: "text/html",
                    headers: ["X-Filter": "lab"]
                ),
                .redirect("/old", to: "http://school.example/new"),
            ],
            httpsPort: 443,
            serverNames: ["school.example"]
        )
        try await Lab.with(.school) { lab in
            let http = try await lab.startHTTPServer(in: School.internet, configuration)
            let root = try await lab.httpGet(from: School.client, address: School.serviceIPv4, path: "/")
            #expect(root.status == 200)
            #expect(root.bodyText == "hello from the lab\n")

            let blocked = try await lab.httpGet(from: School.client, address: School.serviceIPv6, path: "/blocked")
            #expect(blocked.status == 451)
            #expect(blocked.bodyText == "Blocked by policy: $category \"adult\"\n")
            #expect(blocked.headers["x-filter"] == "lab")
            #expect(blocked.headers["content-type"]?.hasPrefix("text/html") == true)

            let moved = try await lab.httpGet(from: School.client, address: School.serviceIPv4, path: "/old")
            #expect(moved.status == 302)
            #expect(moved.headers["location"] == "http://school.example/new")
            #expect(try await lab.httpGet(from: School.client, address: School.serviceIPv4, path: "/x").status == 404)
            #expect(http.accessLog().contains { $0.contains("GET /blocked") })

            // HTTPS: the certificate verifies against the lab CA for the configured name.
            let caPath = try #require(http.certificateAuthorityPath)
            let tls = try await lab.run(
                in: School.client,
                [
                    "openssl", "s_client", "-connect", "\(School.serviceIPv4):443", "-servername", "school.example",
                    "-verify_hostname", "school.example", "-CAfile", caPath, "-verify_return_error", "-brief",
                    // Keep reading after our request is sent, until nginx closes.
                    "-ign_eof",
                ],
                standardInput: Array("GET / HTTP/1.0\r\nHost: school.example\r\n\r\n".utf8),
                timeout: .seconds(15)
            )
            #expect(tls.standardOutputText.contains("hello from the lab"))
            #expect(tls.standardErrorText.contains("Verification: OK"), "\(tls.standardErrorText)")
        }
    }

    @Test(.requiresLab(.ping, .nft), .timeLimit(.minutes(1)))
    func lossRuleDropsAndCountsForwardedPackets() async throws {
        try await Lab.with(.school) { lab in
            let table = try await lab.injectLoss(in: School.gateway, percent: 100, matching: "ip protocol icmp")
            let lost = try await lab.run(
                in: School.client,
                ["ping", "-c", "3", "-i", "0.2", "-W", "1", School.serviceIPv4],
                check: false
            )
            #expect(lost.termination == .exited(1))
            #expect(try await lab.packetCounters(table) == [3])

            try await lab.removeNFTable(table)
            try await lab.run(in: School.client, ["ping", "-c", "1", "-W", "2", School.serviceIPv4])
        }
    }

    @Test(.requiresLab(.ping), .timeLimit(.minutes(1)))
    func twoUplinksGiveTheGatewayTwoDistinctRoutes() async throws {
        try await Lab.with(.school(uplinks: 2)) { lab in
            let routes = try await lab.run(in: School.gateway, ["ip", "-4", "route", "show", "default"])
            let lines = routes.standardOutputText.split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.contains { $0.contains("via \(School.internetUplinkIPv4(0)) dev up0") })
            #expect(lines.contains { $0.contains("via \(School.internetUplinkIPv4(1)) dev up1") })

            for (index, interface) in ["up0", "up1"].enumerated() {
                let chosen = try await lab.run(
                    in: School.gateway,
                    ["ip", "route", "get", School.serviceIPv4, "oif", interface]
                )
                #expect(chosen.standardOutputText.contains("via \(School.internetUplinkIPv4(index)) dev \(interface)"))
                // Bound to each uplink, the gateway reaches the service, with that uplink's source.
                for target in [School.serviceIPv4, School.serviceIPv6] {
                    try await lab.run(in: School.gateway, ["ping", "-c", "1", "-W", "2", "-I", interface, target])
                }
            }
            #expect(lab.topology.addresses(of: School.gateway, interface: "up1") == ["10.200.3.1", "fd00:200:3::1"])
        }
    }

    @Test(.requiresLab(.tcpdump, .ping), .timeLimit(.minutes(1)))
    func captureRecordsTrafficOnAnInterface() async throws {
        try await Lab.with(.school) { lab in
            let capture = try await lab.startCapture(in: School.gateway, interface: "up0", filter: "icmp")
            try await lab.run(in: School.client, ["ping", "-c", "2", "-i", "0.2", "-W", "2", School.serviceIPv4])
            let path = await capture.stop()
            let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int ?? 0
            // pcap header (24) + 4 packets of (16 + 98) bytes.
            #expect(size >= 24 + 4 * (16 + 98))
        }
    }

    @Test(.requiresLab(.dnsmasq), .timeLimit(.minutes(1)))
    func teardownRemovesEverythingEvenWhenTheBodyThrows() async throws {
        struct Boom: Error {}
        let seen = Mutex<(namespaces: [String], pids: [pid_t], directory: String)>(([], [], ""))
        await #expect(throws: Boom.self) {
            try await Lab.with(.school(uplinks: 2)) { lab in
                let dns = try await lab.startDNSServer(in: School.internet)
                // Not tracked by the lab: only `ip netns pids` can find it.
                let stray = try await lab.run(
                    in: School.client,
                    ["sh", "-c", "setsid sleep 300 >/dev/null 2>&1 < /dev/null & echo $!"]
                )
                let strayPID = try #require(
                    pid_t(stray.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines))
                )
                seen.withLock { $0 = (Array(lab.allNamespaces.values), [dns.process.pid, strayPID], lab.directory) }
                throw Boom()
            }
        }
        let (namespaces, pids, directory) = seen.withLock { $0 }
        #expect(namespaces.count == 3)
        let listing = try await Command("ip", "netns", "list").run().standardOutputText
        for namespace in namespaces { #expect(!listing.contains(namespace)) }
        // A SIGKILLed process leaves its namespace before it finishes exiting; give it a moment.
        for pid in pids {
            for _ in 0..<100 where isRunning(pid) { try await Task.sleep(for: .milliseconds(20)) }
            #expect(!isRunning(pid), "pid \(pid) survived teardown")
        }
        #expect(!FileManager.default.fileExists(atPath: directory))
        // Veths were born inside the namespaces; none may appear in the root namespace.
        let links = try await Command("ip", "-o", "link", "show").run().standardOutputText
        #expect(!links.contains("up1@"))
        #expect(!links.contains("lan0@"))
    }

    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func teardownStillRunsWhenTheTestIsCancelled() async throws {
        // What a test's time limit does: cancel the task while the lab body is waiting.
        let seen = Mutex<[String]>([])
        let started = AsyncStream<Void>.makeStream()
        let test = Task {
            try await Lab.with(.school) { lab in
                seen.withLock { $0 = Array(lab.allNamespaces.values) }
                started.continuation.yield()
                try await Task.sleep(for: .seconds(60))
            }
        }
        for await _ in started.stream { break }
        test.cancel()
        await #expect(throws: CancellationError.self) { try await test.value }
        let listing = try await Command("ip", "netns", "list").run().standardOutputText
        #expect(seen.withLock { $0.count } == 3)
        for namespace in seen.withLock({ $0 }) { #expect(!listing.contains(namespace)) }
    }

    static func deleteNamespaces(_ names: [String]) async {
        for name in names { _ = try? await Command(["ip", "netns", "delete", name]).run(check: false) }
    }

    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func leftoverCleanupRemovesNamespacesOfDeadRuns() async throws {
        // A pid that surely belonged to a process that is gone now.
        let finished = try await BackgroundProcess(["true"])
        try await finished.waitForExit()
        let deadName = "nwl-\(String(finished.pid, radix: 16))-0-stale"
        let liveName = "nwl-\(String(getpid(), radix: 16))-0-live"
        try await Command("ip", "netns", "add", deadName).run()
        try await Command("ip", "netns", "add", liveName).run()
        let squatter = try await BackgroundProcess(["ip", "netns", "exec", deadName, "sleep", "300"])

        let removed = await Lab.cleanupLeftovers()
        let listing: String
        do {
            listing = try await Command("ip", "netns", "list").run().standardOutputText
        } catch {
            await Self.deleteNamespaces([liveName, deadName])
            throw error
        }
        await Self.deleteNamespaces([liveName, deadName])
        // Another test's lab may have cleaned it first; either way it must be gone.
        #expect(removed.contains(deadName) || !listing.contains(deadName))
        #expect(!listing.contains(deadName))
        #expect(listing.contains(liveName))
        #expect(try await squatter.waitForExit(timeout: .seconds(5)) == .signalled(SIGKILL))
    }

    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func customTopologiesAreCheckedBeforeAnythingIsCreated() async throws {
        var topology = LabTopology()
        topology.addHost("a")
        topology.addLink(
            "bad",
            .init(host: "a", interface: "an-interface-name-too-long", addresses: []),
            .init(host: "b", interface: "x", addresses: [])
        )
        let error = await #expect(throws: LabError.self) { try await Lab.start(topology) }
        #expect(error?.code == .invalidTopology)
    }
}

/// Alive and not a zombie: an orphan killed by teardown may wait a moment for its reaper (pid 1
/// in a container may be slow or never reap), but it no longer runs.
private func isRunning(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
    else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}
