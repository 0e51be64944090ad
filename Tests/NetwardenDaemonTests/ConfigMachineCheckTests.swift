import NetwardenCore
import NetwardenDaemon
import Testing

/// `check-config` compares a valid file with the machine: interfaces that do not exist now are
/// warnings with the file and line of the setting.
struct ConfigMachineCheckTests {
    static let text = """
        [identity]
        trust = "t"
        site = "s"

        [capture]
        enabled = true
        interfaces = ["lan0",
            "nope0"]

        [[probes.icmp]]
        name = "gw"
        target = "10.0.0.1"

        [[probes.icmp]]
        name = "backup"
        target = "10.0.0.2"
        interface = "wwan9"
        """

    static func findings(existing: Set<String>) throws -> [ConfigMachineFinding] {
        let bytes = Array(text.utf8)
        let config = try NetwardenConfig.parse(bytes: bytes, fileName: "n.toml").get()
        return ConfigMachineCheck.check(
            config,
            document: TOMLParser.parse(bytes).root,
            file: "n.toml",
            machine: ConfigMachine(interfaceExists: { existing.contains($0) })
        )
    }

    @Test func missingCaptureAndProbeInterfacesAreWarningsWithTheirLines() throws {
        let findings = try Self.findings(existing: ["lan0"])
        #expect(
            findings.map(\.description) == [
                "n.toml:8: capture.interfaces: warning: no interface `nope0` on this machine now; "
                    + "capture retries it until it appears",
                "n.toml:17: probes.icmp.interface: warning: no interface `wwan9` on this machine now; "
                    + "probe `backup` fails until it appears",
            ]
        )
        #expect(findings.allSatisfy { $0.severity == .warning })
    }

    @Test func interfacesThatExistGiveNoFindings() throws {
        #expect(try Self.findings(existing: ["lan0", "nope0", "wwan9"]).isEmpty)
    }
}

/// `[filter_tests]` files and vantage interfaces are checked against the machine once the tests are on.
struct FilterTestsMachineCheckTests {
    @Test func unreadableFilesAreErrorsAndMissingVantageInterfacesWarnings() throws {
        let text = """
            [identity]
            trust = "t"
            site = "s"

            [filter_tests]
            enabled = true
            catalogues = ["/nonexistent/canaries.txt"]
            block_pages = []

            [[filter_tests.vantage]]
            name = "students"
            interface = "vlan20"
            """
        let bytes = Array(text.utf8)
        let config = try NetwardenConfig.parse(bytes: bytes, fileName: "n.toml").get()
        let findings = ConfigMachineCheck.check(
            config,
            document: TOMLParser.parse(bytes).root,
            file: "n.toml",
            machine: ConfigMachine(
                interfaceExists: { _ in false },
                unreadableFile: { $0.hasPrefix("/nonexistent/") ? "\($0): no such file" : nil }
            )
        )
        let lines = findings.map(\.description)
        #expect(lines.contains { $0.hasPrefix("n.toml:7: filter_tests.catalogues: ") && !$0.contains("warning") })
        #expect(
            lines.contains { $0.hasPrefix("n.toml:12: filter_tests.vantage.interface: warning: no interface `vlan20`") }
        )
    }
}
