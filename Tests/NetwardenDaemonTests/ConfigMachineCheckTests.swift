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

/// List files are checked the way the daemon reads them: a missing list the package ships is a
/// warning (the daemon skips it), a missing list of the school's own is an error while the part
/// that reads it is on and a warning while it is off.
struct ListFilesMachineCheckTests {
    static func findings(captureEnabled: Bool) throws -> [String] {
        let text = """
            [identity]
            trust = "t"
            site = "s"

            [capture]
            enabled = \(captureEnabled)

            [filter]
            doh_lists = ["/usr/share/netwarden/lists/doh-providers.txt",
                "/nonexistent/doh.txt"]
            tor_relay_lists = []

            [[filter.category]]
            name = "adult"
            policy = "must_block"
            lists = ["/nonexistent/adult.txt"]
            """
        let bytes = Array(text.utf8)
        let config = try NetwardenConfig.parse(bytes: bytes, fileName: "n.toml").get()
        return ConfigMachineCheck.check(
            config,
            document: TOMLParser.parse(bytes).root,
            file: "n.toml",
            machine: ConfigMachine(unreadableFile: { path in
                path.hasPrefix("/nonexistent/") || path.hasPrefix("/usr/share/") ? "`\(path)`: no such file" : nil
            })
        ).map(\.description)
    }

    @Test func withCaptureOnAMissingShippedListIsAWarningAndAMissingOwnListAnError() throws {
        #expect(
            try Self.findings(captureEnabled: true) == [
                "n.toml:9: filter.doh_lists: warning: `/usr/share/netwarden/lists/doh-providers.txt`: no such file; "
                    + "the netwarden package installs it (is it installed?); skipped until then",
                "n.toml:10: filter.doh_lists: error: `/nonexistent/doh.txt`: no such file",
                // The default resolver list, not set in this file, has no line of its own.
                "n.toml: filter.doh_resolver_lists: warning: `/usr/share/netwarden/lists/doh-resolver-addresses.txt`: "
                    + "no such file; the netwarden package installs it (is it installed?); skipped until then",
                "n.toml:16: filter.category.lists: error: `/nonexistent/adult.txt`: no such file",
                "n.toml: filter_tests.catalogues: warning: `/usr/share/netwarden/filter-tests/canaries.txt`: "
                    + "no such file; the netwarden package installs it (is it installed?); skipped until then",
                "n.toml: filter_tests.block_pages: warning: `/usr/share/netwarden/filter-tests/blockpages.txt`: "
                    + "no such file; the netwarden package installs it (is it installed?); skipped until then",
            ]
        )
    }

    @Test func withCaptureOffAMissingOwnListIsOnlyAWarning() throws {
        let lines = try Self.findings(captureEnabled: false)
        #expect(
            lines.contains(
                "n.toml:10: filter.doh_lists: warning: `/nonexistent/doh.txt`: no such file; read once [capture] is enabled"
            )
        )
        #expect(!lines.contains { $0.contains(": error: ") })
    }
}
