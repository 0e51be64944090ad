import Foundation
import NetwardenTestSupport
import Testing

/// `netwarden filter-test` against a filtering gateway built from real parts: dnsmasq as the
/// school resolver (NXDOMAIN, 0.0.0.0, a block-page address, safe-search rewriting with and
/// without AAAA), nftables on the gateway (TCP reset, silent drop, resets after the ClientHello
/// and after the HTTP request), and nginx serving canaries, a 403 block page, a 200 block page
/// with a fingerprint and a redirect to a block host. The CLI runs in the client namespace.
@Suite(
    .requiresLab(.nft, .dnsmasq, .nginx, .openssl),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct FilterTestLabTests {
    typealias School = LabTopology.School

    /// Canary name -> (URL, expect, marker).
    static let canaries: [(String, String, String, String?)] = [
        ("allowed", "https://allowed.lab/allowed", "allowed", "allowed-marker"),
        ("leak", "https://leak.lab/leak", "blocked", "leak-marker"),
        ("overblocked", "https://overblocked.lab/", "allowed", nil),
        ("dns-nxdomain", "https://nx.lab/", "blocked", nil),
        ("dns-sinkhole", "https://sink.lab/", "blocked", nil),
        ("dns-blockpage", "https://bp.lab/", "blocked", nil),
        ("tcp-reset", "https://tcpreset.lab/", "blocked", nil),
        ("tcp-drop", "https://tcpdrop.lab/", "blocked", nil),
        ("tls-reset", "https://tlsreset.lab/", "blocked", nil),
        ("http-403", "https://http403.lab/blocked403", "blocked", nil),
        ("http-fingerprint", "https://http200.lab/blockpage", "blocked", nil),
        ("http-redirect", "https://redirect.lab/redir", "blocked", nil),
        ("http-reset", "http://httpreset.lab/", "blocked", nil),
    ]

    static let names = [
        "control.lab", "allowed.lab", "leak.lab", "tlsreset.lab", "http403.lab", "http200.lab", "redirect.lab",
        "httpreset.lab", "block.filter.lab", "policy.lab",
    ]

    /// Builds the filtering gateway and returns the config file's path.
    /// `bypassTargets` are `[[filter_tests.bypass_target]]` blocks; without them bypass is off.
    static func buildFilteringGateway(
        _ lab: Lab,
        resolver: String = School.gatewayLANIPv4,
        bypassTargets: String = "",
        extraSettings: String = ""
    ) async throws -> String {
        for suffix in [2, 3, 5, 6, 7, 8] {
            try await lab.run(in: School.internet, ["ip", "addr", "add", "10.200.100.\(suffix)/32", "dev", "lo"])
        }
        let service = School.serviceIPv4
        _ = try await lab.startDNSServer(
            in: School.gateway,
            .init(
                records: [
                    .a("control.lab", service), .a("allowed.lab", service), .a("leak.lab", service),
                    .a("http403.lab", service), .a("http200.lab", service), .a("redirect.lab", service),
                    .a("block.filter.lab", service), .a("bp.lab", "10.200.100.9"),
                    .a("tcpreset.lab", "10.200.100.2"), .a("tcpdrop.lab", "10.200.100.3"),
                    .a("tlsreset.lab", "10.200.100.5"), .a("httpreset.lab", "10.200.100.6"),
                    .a("intercepted.lab", "10.200.100.7"), .a("policy.lab", "10.200.100.8"),
                    .domain("sink.lab", address: "0.0.0.0"),
                    // Safe search: enforced by CNAME; rewritten for A but not AAAA; not rewritten.
                    .a("safe.search.lab", "10.200.100.10"), .aaaa("safe.search.lab", "fd00:200:100::10"),
                    .cname("www.search.lab", target: "safe.search.lab"),
                    .a("www.leaky.lab", "10.200.100.10"), .aaaa("www.leaky.lab", "fd00:200:100::99"),
                    .a("www.open.lab", "10.200.100.11"), .aaaa("www.open.lab", "fd00:200:100::11"),
                ],
                localDomains: ["lab"],
                listenAddresses: [School.gatewayLANIPv4]
            )
        )
        let server = try await lab.startHTTPServer(
            in: School.internet,
            .init(
                routes: [
                    .init("/", body: "control page"),
                    .init("/allowed", body: "<p>real canary allowed-marker</p>"),
                    .init("/leak", body: "<p>real canary leak-marker</p>"),
                    .init("/policy", body: "<p>casino policy-marker</p>"),
                    .init("/blocked403", status: 403, body: "Forbidden"),
                    .init(
                        "/blockpage",
                        body: "<html><title>Access denied</title>lab-filter-says-no</html>",
                        contentType: "text/html"
                    ),
                    .redirect("/redir", to: "http://block.filter.lab/denied"),
                ],
                listenAddresses: [service, "10.200.100.5", "10.200.100.6", "10.200.100.8"],
                httpsPort: 443,
                serverNames: names
            )
        )
        try await lab.addNFTable(
            in: School.gateway,
            name: "school_filter",
            body: """
                chain school_forward {
                    type filter hook forward priority 0; policy accept;
                    ip daddr 10.200.100.2 tcp dport 443 reject with tcp reset
                    ip daddr 10.200.100.3 tcp dport 443 drop
                    ip daddr 10.200.100.5 tcp dport 443 ip length > 100 reject with tcp reset
                    ip daddr 10.200.100.6 tcp dport 80 ip length > 100 reject with tcp reset
                }
                """
        )
        let fingerprints = lab.directory + "/blockpages.txt"
        try "status lab 403\nhost lab block.filter.lab\nbody lab lab-filter-says-no\n".write(
            toFile: fingerprints,
            atomically: true,
            encoding: .utf8
        )
        var config = """
            [identity]
            trust = "lab-trust"
            site = "lab-school"

            [filter_tests]
            resolver = "\(resolver)"
            control_urls = ["https://control.lab/"]
            timeout_seconds = 2
            ca_file = "\(try #require(server.certificateAuthorityPath))"
            catalogues = []
            block_pages = ["\(fingerprints)"]
            block_page_addresses = ["10.200.100.9"]
            bypass = \(!bypassTargets.isEmpty)
            \(extraSettings)

            [[filter_tests.safe_search_target]]
            name = "search-enforced"
            host = "www.search.lab"
            enforced = ["safe.search.lab"]
            [[filter_tests.safe_search_target]]
            name = "search-aaaa-leak"
            host = "www.leaky.lab"
            enforced = ["safe.search.lab"]
            [[filter_tests.safe_search_target]]
            name = "search-open"
            host = "www.open.lab"
            enforced = ["safe.search.lab"]

            \(bypassTargets)
            """
        for (name, url, expect, marker) in canaries {
            config += "[[filter_tests.canary]]\nname = \"\(name)\"\ncategory = \"lab\"\nurl = \"\(url)\"\n"
            config += "expect = \"\(expect)\"\n" + (marker.map { "marker = \"\($0)\"\n" } ?? "") + "\n"
        }
        let path = lab.directory + "/netwarden.toml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Runs the CLI in the client namespace; returns the exit status and the checks by name.
    static func filterTest(_ lab: Lab, config: String) async throws -> (Int32, [String: [String: Any]], [String: Any]) {
        let output = try await lab.run(
            in: School.client,
            [DaemonUnderTest.binaryPath, "filter-test", "--config", config, "--json"],
            timeout: .seconds(120),
            check: false
        )
        guard case .exited(let status) = output.termination else {
            throw DaemonTestError("filter-test did not exit: \(output.termination)", log: [output.standardErrorText])
        }
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(output.standardOutput)) as? [String: Any],
            "\(output.standardOutputText) \(output.standardErrorText)"
        )
        let checks = try #require(object["checks"] as? [[String: Any]])
        var byName: [String: [String: Any]] = [:]
        for check in checks { byName["\(check["kind"] ?? "")/\(check["name"] ?? "")"] = check }
        return (status, byName, try #require(object["summary"] as? [String: Any]))
    }

    @Test func everyBlockingStyleReadsAsBlockedAtItsStep() async throws {
        try await Lab.with(.school) { lab in
            let config = try await Self.buildFilteringGateway(lab)
            let (status, checks, summary) = try await Self.filterTest(lab, config: config)
            func check(_ name: String) -> [String: Any] { checks["canary/" + name] ?? [:] }
            func describe(_ name: String) -> String { "\(check(name))" }
            let expectations: [(String, String, String?)] = [
                ("allowed", "pass", nil),
                ("leak", "fail", nil),
                ("overblocked", "fail", "dns"),
                ("dns-nxdomain", "pass", "dns"),
                ("dns-sinkhole", "pass", "dns"),
                ("dns-blockpage", "pass", "dns"),
                ("tcp-reset", "pass", "tcp"),
                ("tcp-drop", "pass", "tcp"),
                ("tls-reset", "pass", "tls"),
                ("http-403", "pass", "http"),
                ("http-fingerprint", "pass", "http"),
                ("http-redirect", "pass", "http"),
                ("http-reset", "pass", "http"),
            ]
            for (name, expectedStatus, blockedBy) in expectations {
                #expect(check(name)["status"] as? String == expectedStatus, "\(describe(name))")
                #expect((check(name)["blocked_by"] as? String) == blockedBy, "\(describe(name))")
                #expect(check(name)["vantage"] as? String == "default")
                #expect(check(name)["duration_seconds"] is Double)
                #expect(check(name)["evidence"] is [String])
            }
            #expect(check("overblocked")["over_blocking"] as? Bool == true)
            #expect(check("leak")["over_blocking"] as? Bool == false)

            #expect(checks["safe_search/search-enforced"]?["status"] as? String == "pass")
            let leaky = checks["safe_search/search-aaaa-leak"]
            #expect(leaky?["status"] as? String == "fail", "\(leaky ?? [:])")
            #expect(
                (leaky?["evidence"] as? [String])?.contains { $0.hasPrefix("AAAA") && $0.contains("NOT enforced") }
                    == true
            )
            #expect(checks["safe_search/search-open"]?["status"] as? String == "fail")

            let interception = checks["tls_interception/control.lab"]
            #expect(interception?["status"] as? String == "pass", "\(interception ?? [:])")
            #expect((interception?["tls_issuer"] as? String)?.isEmpty == false)

            #expect(status == 1)
            #expect(summary["fail"] as? Int == 4)
            #expect(summary["inconclusive"] as? Int == 0)
        }
    }

    @Test func aDeadResolverMakesEveryCheckInconclusiveNeverAPass() async throws {
        try await Lab.with(.school) { lab in
            // Nothing listens on this address: every lookup, the control's included, fails.
            let config = try await Self.buildFilteringGateway(lab, resolver: "10.200.1.99")
            let (status, checks, summary) = try await Self.filterTest(lab, config: config)
            #expect(status == 3)
            #expect(!checks.isEmpty)
            for (name, check) in checks {
                #expect(check["status"] as? String == "inconclusive", "\(name): \(check)")
            }
            #expect(summary["pass"] as? Int == 0 && summary["fail"] as? Int == 0)
        }
    }

    @Test func aDeadUplinkMakesEveryCheckInconclusiveEvenWhereTheResolverStillAnswers() async throws {
        try await Lab.with(.school) { lab in
            let config = try await Self.buildFilteringGateway(lab)
            // The school's resolver still answers from its own records, so DNS blocks still show;
            // without the control they prove nothing.
            try await lab.run(in: School.gateway, ["ip", "link", "set", School.uplinkInterface(0), "down"])
            let (status, checks, summary) = try await Self.filterTest(lab, config: config)
            #expect(status == 3)
            for (name, check) in checks {
                #expect(check["status"] as? String == "inconclusive", "\(name): \(check)")
            }
            #expect(checks["canary/dns-nxdomain"]?["blocked_by"] as? String == "dns")
            #expect(summary["pass"] as? Int == 0 && summary["fail"] as? Int == 0)
        }
    }

    @Test func verifyLogNamesTheFirstEditedRecord() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/compliance.jsonl"
        // An empty log is intact (nothing to tamper with); a record without a valid seal is not.
        // Edited real records are covered by FilterTestServiceTests.
        try "".write(toFile: path, atomically: true, encoding: .utf8)
        let intact = try await Command([DaemonUnderTest.binaryPath, "filter-test", "--verify-log", path]).run(
            check: false
        )
        #expect(intact.termination == .exited(0), "\(intact.standardErrorText)")
        try "{\"prev\":\"0\",\"status\":\"pass\"}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try await Command([DaemonUnderTest.binaryPath, "filter-test", "--verify-log", path]).run(
            check: false
        )
        #expect(broken.termination == .exited(1))
        #expect(broken.standardErrorText.contains("line 1"))
    }

    @Test func aBadConfigExitsTwoNamingTheLine() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/bad.toml"
        try "[identity]\ntrust = \"t\"\nsite = \"s\"\n[filter_tests]\nresolver = \"nope\"\n".write(
            toFile: path,
            atomically: true,
            encoding: .utf8
        )
        let output = try await Command([DaemonUnderTest.binaryPath, "filter-test", "--config", path, "--json"]).run(
            check: false
        )
        #expect(output.termination == .exited(2))
        #expect(output.standardErrorText.contains("\(path):5: filter_tests.resolver: "))
    }
}
