import Foundation
import NetwardenCore
import NetwardenHTTP
import NetwardenPlatform
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Probe accuracy against real tools and servers in the lab: loss injected with nftables, RTT
/// compared with iputils ping on the same path, source binding checked by capture, HTTP against
/// nginx, DNS against dnsmasq.
@Suite(.requiresLab(.nft, .ping, .tcpdump, .dnsmasq, .nginx, .openssl), .timeLimit(.minutes(2)))
struct ProbeAccuracyLabTests {
    typealias School = LabTopology.School

    static func service() throws -> SocketAddress {
        try #require(SocketAddress(numeric: School.serviceIPv4))
    }

    // MARK: ICMP

    @Test(arguments: [0, 10, 50, 100])
    func measuredLossMatchesInjectedLoss(percent: Int) async throws {
        try await Lab.with(.school) { lab in
            // Drop echo replies on their way back through the gateway.
            let table = try await lab.injectLoss(in: School.gateway, percent: percent, matching: "icmp type echo-reply")
            let destination = try Self.service()
            let burst = try await lab.withNamespace(School.client) {
                ICMPBurst(destination: destination, count: 1000, spacing: .milliseconds(1), timeout: .seconds(1)).run()
            }
            let dropped = try await lab.packetCounters(table).first ?? -1
            let realized = Double(dropped) / 1000
            #expect(burst.sent == 1000)
            // What the probe reports equals what the filter actually dropped...
            #expect(abs(burst.lossRatio - realized) <= 0.001, "measured \(burst.lossRatio), nft dropped \(dropped)")
            // ...which is within 3 points of the rate asked for. `numgen random` is itself a coin
            // toss (at 50 % over 1000 packets its spread is 1.6 points), so this part only holds
            // when nftables realised the asked-for rate; the line above is the probe's accuracy.
            if abs(realized - Double(percent) / 100) <= 0.03 {
                #expect(
                    abs(burst.lossRatio - Double(percent) / 100) <= 0.03,
                    "measured \(burst.lossRatio) for \(percent)%"
                )
            }
            #expect(burst.duplicates == 0)
            if percent == 100 {
                #expect(burst.failure == .timeout && burst.statistics == nil)
            } else {
                #expect(burst.failure == nil && burst.replyTTL == 63)  // one hop through the gateway
            }
        }
    }

    @Test func medianRTTMatchesIputilsPingOnTheSamePath() async throws {
        try await Lab.with(.school) { lab in
            let ping = try await lab.run(
                in: School.client,
                ["ping", "-n", "-c", "100", "-i", "0.01", School.serviceIPv4]
            )
            let theirs = ping.standardOutputText.split(separator: "\n").compactMap { line -> Double? in
                guard let range = line.range(of: "time=") else { return nil }
                return Double(line[range.upperBound...].prefix(while: { $0.isNumber || $0 == "." })).map { $0 / 1000 }
            }
            #expect(theirs.count == 100)
            let destination = try Self.service()
            let burst = try await lab.withNamespace(School.client) {
                ICMPBurst(destination: destination, count: 100, spacing: .milliseconds(10), timeout: .seconds(1)).run()
            }
            let ours = try #require(burst.statistics).median
            let reference = try #require(RTTStatistics(rttsInArrivalOrder: theirs)).median
            let allowed = max(reference * 0.2, 0.000_050)
            #expect(abs(ours - reference) <= allowed, "netwarden median \(ours) s, ping median \(reference) s")
        }
    }

    @Test(arguments: [0, 1])
    func aProbeBoundToAnUplinkLeavesThroughThatUplink(bound: Int) async throws {
        try await Lab.with(.school(uplinks: 2)) { lab in
            let captures = [
                try await lab.startCapture(in: School.gateway, interface: "up0", filter: "icmp", name: "up0"),
                try await lab.startCapture(in: School.gateway, interface: "up1", filter: "icmp", name: "up1"),
            ]
            let destination = try Self.service()
            let interface = School.uplinkInterface(bound)
            let burst = try await lab.withNamespace(School.gateway) {
                ICMPBurst(destination: destination, count: 5, spacing: .milliseconds(20), interface: interface).run()
            }
            #expect(burst.received == 5, "\(burst.failureDetail ?? "")")
            var counts: [Int] = []
            for capture in captures {
                let path = await capture.stop()
                let read = try await lab.run(
                    in: School.gateway,
                    ["tcpdump", "-n", "-r", path, "icmp[icmptype] == icmp-echo"]
                )
                counts.append(read.standardOutputText.split(separator: "\n").count)
            }
            #expect(counts[bound] == 5, "requests per uplink: \(counts)")
            #expect(counts[1 - bound] == 0, "requests per uplink: \(counts)")
        }
    }

    // MARK: HTTP

    @Test func httpAndHTTPSPhasesStatusTLSAndCertificateMatchNginx() async throws {
        try await Lab.with(.school) { lab in
            let server = try await lab.startHTTPServer(
                in: School.internet,
                .init(
                    routes: [
                        .init("/", status: 200, body: "welcome to the lab school"),
                        .init("/blocked", status: 451, body: "blocked by policy"),
                        .redirect("/old", to: "/"),
                    ],
                    httpsPort: 443
                )
            )
            let ca = try #require(server.certificateAuthorityPath)
            let base = "://\(School.serviceIPv4)"
            let results = try await lab.withNamespace(School.client) {
                [
                    HTTPProbe(url: "http" + base + "/", bodyMustContain: "lab school").run(),
                    HTTPProbe(url: "https" + base + "/", bodyMustContain: "lab school", caFile: ca).run(),
                    HTTPProbe(url: "http" + base + "/blocked").run(),
                    HTTPProbe(url: "https" + base + "/old", caFile: ca).run(),
                    HTTPProbe(url: "https" + base + "/").run(),  // no lab CA: verification must fail
                ]
            }
            let (plain, tls, blocked, redirected, untrusted) = (
                results[0], results[1], results[2], results[3], results[4]
            )
            for result in [plain, tls, redirected] {
                #expect(result.success && result.statusCode == 200, "\(result.failureDetail ?? "")")
                let phases = try #require(result.phases)
                #expect(phases.labelled.allSatisfy { $0.seconds >= 0 })
                #expect(
                    abs(phases.total - result.curlTotalSeconds) < 1e-6,
                    "phases \(phases.total) vs curl total \(result.curlTotalSeconds)"
                )
            }
            #expect(plain.tlsVersion == nil && plain.phases?.tls == 0 && plain.certificateExpiry == nil)
            #expect(tls.phases.map { $0.tls > 0 } == true)
            #expect(redirected.redirects == 1)
            #expect(!blocked.success && blocked.failure == .httpStatus && blocked.statusCode == 451)
            #expect(!untrusted.success && untrusted.failure == .tlsError)

            // What nginx negotiates and serves, asked with openssl on the same path.
            let handshake = try await lab.run(
                in: School.client,
                ["openssl", "s_client", "-connect", "\(School.serviceIPv4):443", "-CAfile", ca, "-brief"],
                check: false
            )
            let served = handshake.standardErrorText + handshake.standardOutputText
            let protocolLine = served.split(separator: "\n").first { $0.contains("Protocol version:") } ?? ""
            let negotiated =
                protocolLine.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
            #expect(
                tls.tlsVersion == negotiated.replacingOccurrences(of: "TLSv", with: "TLS "),
                "openssl says \(negotiated)"
            )
            let certificate = try #require(server.certificatePath)
            let endDate = try await lab.run(
                in: School.client,
                ["openssl", "x509", "-noout", "-enddate", "-in", certificate]
            )
            let notAfter = endDate.standardOutputText.trimmingCharacters(in: .whitespacesAndNewlines)
                .replacingOccurrences(of: "notAfter=", with: "")
            #expect(tls.certificateExpiry == CertificateDate.secondsSinceEpoch(notAfter), "notAfter \(notAfter)")
        }
    }

    // MARK: DNS

    @Test func dnsAnswersNXDOMAINTimeoutRefusedAndTruncation() async throws {
        try await Lab.with(.school) { lab in
            let long = (0..<8).map { String(repeating: Character(UnicodeScalar(UInt8(97 + $0))), count: 200) }
            _ = try await lab.startDNSServer(
                in: School.internet,
                .init(
                    records: [
                        .a("www.lab.example", "10.200.100.1"), .aaaa("www.lab.example", "fd00:200:100::1"),
                        .txt("big.lab.example", long),
                    ],
                    localDomains: ["lab.example"]
                )
            )
            // A resolver that swallows queries: the gateway drops everything to 10.200.100.53.
            try await lab.addNFTable(
                in: School.gateway,
                name: "blackhole",
                body:
                    "chain drop_resolver {\n type filter hook forward priority 0; policy accept;\n ip daddr 10.200.100.53 drop\n}"
            )
            let server = try #require(SocketAddress(numeric: School.serviceIPv4, port: 53))
            let blackhole = try #require(SocketAddress(numeric: "10.200.100.53", port: 53))
            let closed = try #require(SocketAddress(numeric: School.gatewayLANIPv4, port: 53))
            let results = try await lab.withNamespace(School.client) {
                [
                    DNSExchange(server: server, name: "www.lab.example", type: .a).run(),
                    DNSExchange(server: server, name: "www.lab.example", type: .aaaa).run(),
                    DNSExchange(server: server, name: "missing.lab.example", type: .a).run(),
                    DNSExchange(server: blackhole, name: "www.lab.example", type: .a, timeout: .seconds(1)).run(),
                    DNSExchange(server: closed, name: "www.lab.example", type: .a).run(),
                    DNSExchange(server: server, name: "big.lab.example", type: .txt).run(),
                ]
            }
            #expect(
                results[0].rcode == "NOERROR" && results[0].answers == ["10.200.100.1"] && results[0].failure == nil
            )
            #expect(results[1].answers == ["fd00:200:100::1"])
            #expect(results[2].rcode == "NXDOMAIN" && results[2].failure == .nxdomain)
            #expect(results[3].rcode == nil && results[3].failure == .timeout)
            #expect(results[4].rcode == nil && results[4].failure == .refused, "\(results[4].failureDetail ?? "")")
            #expect(results[5].retriedOverTCP && results[5].rcode == "NOERROR")
            #expect(
                !results[5].answers.isEmpty && results[5].answers.allSatisfy { $0 == "TXT" },
                "\(results[5].answers)"
            )
        }
    }

    // MARK: Failures

    @Test func failuresHaveReasonsNeverCrashes() async throws {
        try await Lab.with(.school) { lab in
            let dead = try #require(SocketAddress(numeric: "10.200.100.99"))
            let offNet = try #require(SocketAddress(numeric: "192.0.2.1"))
            let service = try Self.service()
            // Routed from the school but nobody there: the gateway forwards, nothing answers.
            let deadResult = try await lab.withNamespace(School.client) {
                ICMPBurst(destination: dead, count: 3, spacing: .milliseconds(10), timeout: .milliseconds(500)).run()
            }
            let results = try await lab.withNamespace(School.internet) {
                [
                    deadResult,
                    // The internet namespace has no default route: ENETUNREACH at send.
                    ICMPBurst(destination: offNet, count: 3, timeout: .milliseconds(500)).run(),
                    ICMPBurst(destination: service, count: 1, interface: "nope0").run(),
                ]
            }
            #expect(results[0].failure == .timeout && results[0].sent == 3)
            #expect(results[1].failure == .unreachable, "\(results[1].failureDetail ?? "")")
            #expect(results[2].failure == .noInterface)
            let tcp = try await lab.withNamespace(School.internet) {
                TCPConnectProbe(destination: try #require(SocketAddress(numeric: "192.0.2.1", port: 443))).run()
            }
            #expect(tcp.failure == .unreachable)
        }
    }

    @Test(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary"))
    func whereThePingGroupRangeAllowsAnUnprivilegedUserUsesDatagramSockets() async throws {
        try await Lab.with(.school) { lab in
            // ping_group_range is per network namespace: widen it only inside the lab.
            try await lab.run(in: School.client, ["sysctl", "-q", "-w", "net.ipv4.ping_group_range=0 2147483647"])
            for target in [School.serviceIPv4, School.serviceIPv6] {
                let output = try await lab.run(
                    in: School.client,
                    [
                        "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                        DaemonUnderTest.binaryPath, "probe", "icmp", target, "--count", "5", "--interval", "0.01",
                        "--json",
                    ],
                    check: false
                )
                let json = output.standardOutputText
                #expect(json.contains(#""socket":"datagram""#), "\(json) \(output.standardErrorText)")
                #expect(json.contains(#""received":5"#) && json.contains(#""success":true"#), "\(json)")
            }
        }
    }

    @Test(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary"))
    func withoutPrivilegeTheProbeSaysPermissionDenied() async throws {
        try await Lab.with(.school) { lab in
            // A fresh namespace keeps the kernel default ping_group_range ("1 0": nobody may use
            // ICMP datagram sockets), and nobody has no CAP_NET_RAW for raw ones.
            let output = try await lab.run(
                in: School.client,
                [
                    "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--inh-caps=-all",
                    DaemonUnderTest.binaryPath, "probe", "icmp", School.serviceIPv4, "--count", "1", "--json",
                ],
                check: false
            )
            #expect(
                output.standardOutputText.contains(#""reason":"permission_denied""#),
                "\(output.standardOutputText) \(output.standardErrorText)"
            )
        }
    }
}
