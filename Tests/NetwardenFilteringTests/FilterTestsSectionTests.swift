import NetwardenCore
import Testing

/// `[filter_tests]` as the contract writes it, and the errors a technician gets back.
@Suite struct FilterTestsSectionTests {
    static let head = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    private func parse(_ body: String) -> Result<NetwardenConfig, ConfigErrors> {
        NetwardenConfig.parse(bytes: Array((Self.head + body).utf8), fileName: "n.toml")
    }

    private func errors(_ body: String) -> [String] {
        if case .failure(let errors) = parse(body) { return errors.lines }
        return []
    }

    @Test func decodesTheContractExample() throws {
        let config = try parse(
            """
            [filter_tests]
            enabled = true
            interval_seconds = 3600
            resolver = "10.0.0.53"
            control_urls = ["https://www.gov.uk/"]

            [[filter_tests.vantage]]
            name = "students-vlan"
            interface = "eth1.20"
            source_address = "10.20.0.2"

            [[filter_tests.canary]]
            name = "gambling-1"
            category = "gambling"
            url = "https://www.example-casino.test/"
            expect = "blocked"
            marker = "text the real page contains"
            """
        ).get().filterTests
        #expect(config.enabled)
        #expect(config.interval == .seconds(3600))
        #expect(config.resolver == "10.0.0.53")
        #expect(config.vantages == [.init(name: "students-vlan", interface: "eth1.20", sourceAddress: "10.20.0.2")])
        #expect(
            config.canaries == [
                .init(
                    name: "gambling-1",
                    category: "gambling",
                    url: "https://www.example-casino.test/",
                    expect: .blocked,
                    marker: "text the real page contains"
                )
            ]
        )
        #expect(config.safeSearch == FilterTestsSection.SafeSearch.shipped)
    }

    @Test func defaultsAreOffWithOneDefaultVantage() throws {
        let config = try parse("").get().filterTests
        #expect(!config.enabled)
        #expect(config.vantages == [.defaultRoute])
        #expect(config.resolver == nil)
    }

    @Test func badValuesNameFileLineAndKey() {
        let lines = errors(
            """
            [filter_tests]
            resolver = "dns.example"
            control_urls = ["ftp://x/"]

            [[filter_tests.canary]]
            name = "c"
            category = "gambling"
            url = "https://x.test/"
            expect = "maybe"

            [[filter_tests.vantage]]
            name = "v"
            """
        )
        #expect(lines.contains { $0.hasPrefix("n.toml:5: filter_tests.resolver: ") && $0.contains("numeric") })
        #expect(lines.contains { $0.hasPrefix("n.toml:6: filter_tests.control_urls: ") })
        #expect(lines.contains { $0.hasPrefix("n.toml:12: filter_tests.canary.expect: ") })
        #expect(lines.contains { $0.contains("filter_tests.vantage.name: ") && $0.contains("neither interface") })
    }

    @Test func inlineSafeSearchAndBypassReplaceTheShippedOnes() throws {
        let config = try parse(
            """
            [filter_tests]
            [[filter_tests.safe_search_target]]
            name = "lab"
            host = "www.search.lab"
            enforced = ["safe.search.lab"]
            [[filter_tests.bypass_target]]
            name = "dot"
            address = "10.0.0.1"
            port = 853
            probe = "tcp"
            """
        ).get().filterTests
        #expect(config.safeSearch == [.init(name: "lab", host: "www.search.lab", enforced: ["safe.search.lab"])])
        #expect(config.bypass == [.init(name: "dot", address: "10.0.0.1", port: 853, probe: .tcp)])
        let off = try parse("[filter_tests]\nsafe_search = false\nbypass = false\n").get().filterTests
        #expect(off.safeSearch.isEmpty && off.bypass.isEmpty)
    }
}
