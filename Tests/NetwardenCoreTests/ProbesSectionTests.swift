import NetwardenCore
import Testing

/// `[probes]` blocks as a technician writes them, and the errors they get back.
@Suite struct ProbesSectionTests {
    static let head = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    private func parse(_ body: String) -> Result<NetwardenConfig, ConfigErrors> {
        NetwardenConfig.parse(bytes: Array((Self.head + body).utf8), fileName: "n.toml")
    }

    private func errors(_ body: String) -> [String] {
        if case .failure(let errors) = parse(body) { return errors.lines }
        return []
    }

    @Test func everyKindDecodesWithDefaultsAndOverrides() throws {
        let result = parse(
            """
            [probes]
            interval_seconds = 20
            timeout_seconds = 3

            [[probes.icmp]]
            name = "isp-gateway"
            target = "10.0.0.1"
            count = 10
            spacing_seconds = 0.1
            interface = "eth1"
            labels = { isp = "lgfl", circuit = "primary" }

            [[probes.dns]]
            name = "filter-resolver"
            resolver = "10.0.0.53"
            query = "www.bbc.co.uk"
            query_type = "AAAA"

            [[probes.tcp]]
            name = "web"
            target = "www.example.org"
            port = 80
            ip = "ipv6"

            [[probes.http]]
            name = "homepage"
            url = "https://www.example.org/"
            expect_status = [200, 301]
            body_contains = "Example"
            interval_seconds = 60
            """
        )
        let config = try result.get()
        let probes = config.probes.probes
        #expect(probes.map(\.name) == ["isp-gateway", "filter-resolver", "web", "homepage"])
        let icmp = probes[0]
        #expect(icmp.kind == .icmp && icmp.target == "10.0.0.1")
        #expect(icmp.options == .icmp(.init(host: "10.0.0.1", count: 10, spacing: .milliseconds(100))))
        #expect(icmp.interval == .seconds(20) && icmp.timeout == .seconds(3) && icmp.interface == "eth1")
        #expect(icmp.labels.map(\.0) == ["isp", "circuit"] && icmp.labels.map(\.1) == ["lgfl", "primary"])
        #expect(probes[1].options == .dns(.init(resolver: "10.0.0.53", port: 53, query: "www.bbc.co.uk", type: .aaaa)))
        #expect(probes[1].target == "10.0.0.53")
        #expect(probes[2].options == .tcp(.init(host: "www.example.org", port: 80)) && probes[2].ipPreference == .ipv6)
        #expect(
            probes[3].options
                == .http(.init(url: "https://www.example.org/", expectStatus: [200, 301], bodyMustContain: "Example"))
        )
        #expect(probes[3].interval == .seconds(60))
    }

    /// Each kind has its own port default, and a port the technician writes is the port used:
    /// 443 in a DNS block (a filter answering on a proxy port) stays 443.
    @Test func eachKindHasItsOwnPortDefaultAndAWrittenPortIsKept() throws {
        let config = try parse(
            """
            [[probes.dns]]
            name = "plain"
            resolver = "10.0.0.53"
            query = "a.example"
            [[probes.dns]]
            name = "proxy"
            resolver = "10.0.0.53"
            query = "a.example"
            port = 443
            [[probes.tcp]]
            name = "web"
            target = "www.example.org"
            """
        ).get()
        let probes = config.probes.probes
        #expect(probes[0].options == .dns(.init(resolver: "10.0.0.53", port: 53, query: "a.example")))
        #expect(probes[1].options == .dns(.init(resolver: "10.0.0.53", port: 443, query: "a.example")))
        #expect(probes[1].target == "10.0.0.53:443")
        #expect(probes[2].options == .tcp(.init(host: "www.example.org", port: 443)))
    }

    @Test func aKeyFromAnotherKindIsAnUnknownKeyWithItsLine() {
        let lines = errors("[[probes.icmp]]\nname = \"a\"\ntarget = \"10.0.0.1\"\nport = 80\n")
        #expect(
            lines == [
                "n.toml:7: probes.icmp.port: unknown key; expected one of: name, interval_seconds, timeout_seconds, interface, source_address, ip, labels, target, count, spacing_seconds, payload_bytes"
            ]
        )
    }

    @Test func missingRequiredKeysSayWhatToWrite() {
        let lines = errors("[[probes.http]]\nname = \"h\"\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("n.toml:4: probes.http.url:") == true)
        #expect(lines.first?.contains("url = \"https://www.example.org/\"") == true)
    }

    @Test func badValuesAreAllReported() {
        let lines = errors(
            """
            [[probes.icmp]]
            name = "bad name"
            target = "10.0.0.1"
            source_address = "not-an-ip"
            ip = "ipv5"
            [[probes.http]]
            name = "h"
            url = "ftp://example.org/"
            [[probes.tcp]]
            name = "t"
            target = "example.org"
            port = 70000
            labels = { site = "x", "1bad" = "y" }
            """
        )
        #expect(lines.contains { $0.hasPrefix("n.toml:5: probes.icmp.name:") })
        #expect(
            lines.contains {
                $0.hasPrefix("n.toml:7: probes.icmp.source_address:")
                    && $0.contains("not a numeric IPv4 or IPv6 address")
            }
        )
        #expect(lines.contains { $0.hasPrefix("n.toml:8: probes.icmp.ip:") && $0.contains("ipv4") })
        #expect(
            lines.contains {
                $0.hasPrefix("n.toml:11: probes.http.url:") && $0.contains("not an http:// or https:// URL")
            }
        )
        #expect(lines.contains { $0.hasPrefix("n.toml:15: probes.tcp.port:") })
        #expect(lines.contains { $0.contains("probes.tcp.labels.site:") && $0.contains("set by netwarden itself") })
        #expect(lines.contains { $0.contains("1bad") && $0.contains("not a valid label name") })
    }

    @Test func duplicateNamesAndOverlongBurstsAreErrors() {
        let lines = errors(
            """
            [[probes.icmp]]
            name = "same"
            target = "10.0.0.1"
            count = 100
            spacing_seconds = 1
            interval_seconds = 30
            [[probes.tcp]]
            name = "same"
            target = "10.0.0.1"
            """
        )
        #expect(lines.contains { $0.contains("probes.icmp.count:") && $0.contains("does not fit") })
        #expect(lines.contains { $0.contains("`same` is used twice") })
    }

    @Test func numericAddressSyntax() {
        for good in ["10.0.0.1", "::1", "fd00::53", "2001:db8:0:0:0:0:0:1", "::ffff:192.0.2.1"] {
            #expect(IPAddressText.isNumeric(good), "\(good)")
        }
        for bad in ["10.0.0", "10.0.0.256", "1:2:3:4:5:6:7:8:9", "fd00:::1", "2001:db8::g", "example.org", ""] {
            #expect(!IPAddressText.isNumeric(bad), "\(bad)")
        }
    }
}
