import NetwardenCore
import Testing

/// `[[alerts.rule]]`: the contract's keys, defaults merged by name, and the mistakes a
/// technician can make.
@Suite struct AlertsSectionTests {
    private let minimal = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    private func parse(_ text: String) -> Result<NetwardenConfig, ConfigErrors> {
        NetwardenConfig.parse(bytes: Array((minimal + text).utf8), fileName: "netwarden.toml")
    }

    private func errors(_ text: String) -> [String] {
        if case .failure(let errors) = parse(text) { return errors.diagnostics.map(\.description) }
        return []
    }

    @Test func theContractExampleParsesAndReplacesTheDefaultOfItsName() throws {
        let config = try parse(
            """
            [[alerts.rule]]
            name = "probe_down"
            metric = "probe_success"
            match = { probe = "vle-https" }
            below = 1
            for_intervals = 3
            clear_intervals = 2
            severity = "critical"

            [[alerts.rule]]
            name = "wifi_signal_weak"
            enabled = false

            [[alerts.rule]]
            name = "loss_on_backup"
            metric = "netwarden_icmp_loss_ratio"
            match = { probe = "isp-backup" }
            above = 0.5
            clear_below = 0.1
            """
        ).get()
        let rules = config.alerts.effectiveRules
        let probeDown = try #require(rules.first { $0.name == "probe_down" })
        #expect(probeDown.match == ["probe": "vle-https"])
        #expect(probeDown.trigger == .below(1, clear: 1))
        #expect(probeDown.forIntervals == 3 && probeDown.clearIntervals == 2 && probeDown.severity == .critical)
        #expect(!rules.contains { $0.name == "wifi_signal_weak" })
        #expect(rules.last?.trigger == .above(0.5, clear: 0.1))
        #expect(rules.count == AlertRuleSettings.shippedDefaults.count)
    }

    @Test func withoutAnAlertsSectionTheDefaultsRunIncludingProbeDownOverEveryProbe() throws {
        let rules = try parse("").get().alerts.effectiveRules
        #expect(rules == AlertRuleSettings.shippedDefaults)
        let probeDown = try #require(rules.first { $0.name == "probe_down" })
        #expect(probeDown.metric == "probe_success" && probeDown.match.isEmpty)
        #expect(try parse("[alerts]\ninclude_defaults = false\n").get().alerts.effectiveRules.isEmpty)
    }

    @Test func mistakesAreReported() {
        #expect(
            errors("[[alerts.rule]]\nname = \"x\"\nmetric = \"probe_success\"\n") == [
                "netwarden.toml:5: alerts.rule.name: rule `x` has no trigger; expected one of below, above, absent_intervals or event"
            ]
        )
        #expect(
            errors("[[alerts.rule]]\nname = \"x\"\nmetric = \"m\"\nbelow = 1\nabove = 2\n").first?.contains(
                "has 2 triggers"
            )
                == true
        )
        #expect(errors("[[alerts.rule]]\nname = \"x\"\nbelow = 1\n").first?.contains("metric: missing") == true)
        #expect(
            errors("[[alerts.rule]]\nname = \"x\"\nmetric = \"m\"\nbelow = 1\nclear_above = 0\n").first?.contains(
                "clear_above (0.0) is below `below` (1.0)"
            ) == true
        )
        #expect(
            errors("[[alerts.rule]]\nname = \"x\"\nmetric = \"m\"\nbelow = 1\nfor_interval = 3\n").first?.contains(
                "did you mean `for_intervals`?"
            ) == true
        )
        #expect(
            errors("[[alerts.rule]]\nname = \"bad name\"\nmetric = \"m\"\nbelow = 1\n").first?.contains(
                "not a rule name"
            ) == true
        )
    }
}
