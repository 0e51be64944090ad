import NetwardenTelemetry
import Testing

@Suite struct PrometheusTextEncoderTests {
    static func sample(_ name: String, _ value: Double, _ labels: [Label] = []) -> Sample {
        Sample(name: name, labels: labels, value: value, timestampMilliseconds: 0)
    }

    @Test func familiesGetHelpAndTypeOnceAndSeriesFollowTogether() {
        let text = String(
            decoding: PrometheusTextEncoder.encode([
                Self.sample("probe_success", 1, [Label("probe", "a")]),
                Self.sample("probe_success", 0, [Label("probe", "b")]),
                Self.sample("netwarden_probe_failures_total", 3, [Label("probe", "b"), Label("reason", "timeout")]),
                Self.sample("netwarden_tls_version_info", 1, [Label("version", "TLSv1.3")]),
            ]),
            as: UTF8.self
        )
        #expect(
            text == """
                # HELP probe_success Whether the last run of the probe succeeded (1) or failed (0).
                # TYPE probe_success gauge
                probe_success{probe="a"} 1
                probe_success{probe="b"} 0
                # HELP netwarden_probe_failures_total Failed probe runs since start, by reason.
                # TYPE netwarden_probe_failures_total counter
                netwarden_probe_failures_total{probe="b",reason="timeout"} 3
                # TYPE netwarden_tls_version_info gauge
                netwarden_tls_version_info{version="TLSv1.3"} 1

                """
        )
    }

    @Test func labelValuesAreEscapedAndEmptyLabelsLeftOut() {
        let text = String(
            decoding: PrometheusTextEncoder.encode([
                Self.sample("netwarden_wifi_info", 1, [Label("ssid", "a\"b\\c\nd"), Label("bssid", "")])
            ]),
            as: UTF8.self
        )
        #expect(text.contains(#"netwarden_wifi_info{ssid="a\"b\\c\nd"} 1"#))
    }

    @Test func aRepeatedSeriesIsWrittenOnceWithItsLastValue() {
        let text = String(
            decoding: PrometheusTextEncoder.encode([
                Self.sample("netwarden_link_up", 0, [Label("interface", "eth0")]),
                Self.sample("netwarden_link_up", 1, [Label("interface", "eth1")]),
                Self.sample("netwarden_link_up", 1, [Label("interface", "eth0")]),
            ]),
            as: UTF8.self
        )
        #expect(text.contains("netwarden_link_up{interface=\"eth1\"} 1\nnetwarden_link_up{interface=\"eth0\"} 1\n"))
        #expect(!text.contains("} 0"))
    }

    @Test func valuesUseGoFloatSyntax() {
        #expect(PrometheusTextEncoder.formatValue(1) == "1")
        #expect(PrometheusTextEncoder.formatValue(-3) == "-3")
        #expect(PrometheusTextEncoder.formatValue(0.25) == "0.25")
        #expect(PrometheusTextEncoder.formatValue(.nan) == "NaN")
        #expect(PrometheusTextEncoder.formatValue(.infinity) == "+Inf")
        #expect(PrometheusTextEncoder.formatValue(-.infinity) == "-Inf")
        #expect(PrometheusTextEncoder.formatValue(1.8e19) == "1.8e+19")
    }
}
