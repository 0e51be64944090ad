import NetwardenCore
import Testing

/// `[metrics]`, `[spool]` and `[[outputs.*]]`: the delivery contract's keys, their defaults and
/// every error a technician can make, as `FILE:LINE: key: message`.
@Suite struct OutputsSectionTests {
    private let minimal = "[identity]\ntrust = \"t\"\nsite = \"s\"\n"

    private func parse(_ text: String) -> Result<NetwardenConfig, ConfigErrors> {
        NetwardenConfig.parse(bytes: Array((minimal + text).utf8), fileName: "netwarden.toml")
    }

    private func errors(_ text: String) -> [String] {
        if case .failure(let errors) = parse(text) { return errors.diagnostics.map(\.description) }
        return []
    }

    @Test func everyKindWithTheContractKeys() throws {
        let config = try parse(
            """
            [metrics]
            listen = "[::1]:9813"

            [spool]
            max_age_hours = 24
            max_mib = 64
            fsync_interval_seconds = 0.5

            [[outputs.remote_write]]
            name = "trust-vm"
            url = "https://vm.example-trust.org/api/v1/write"
            bearer_token_file = "/etc/netwarden/vm.token"
            ca_file = "/etc/netwarden/ca.pem"
            headers = { X-Scope-OrgID = "oak" }

            [[outputs.loki]]
            name = "trust-loki"
            url = "https://loki.example-trust.org/loki/api/v1/push"
            basic_auth_user = "oak"
            basic_auth_password_file = "/etc/netwarden/loki.password"
            client_certificate_file = "/etc/netwarden/client.pem"
            client_key_file = "/etc/netwarden/client.key"
            proxy = "http://proxy.school.lan:3128"

            [[outputs.collector]]
            name = "trust"
            url = "https://collector.example-trust.org"
            token_file = "/etc/netwarden/collector.token"
            max_backoff_seconds = 30
            """
        ).get()
        #expect(config.metrics.listen == "[::1]:9813")
        #expect(
            config.spool
                == SpoolSection(maxAge: .seconds(86_400), maxBytes: 64 << 20, fsyncInterval: .milliseconds(500))
        )
        let outputs = config.outputs.outputs
        #expect(outputs.map(\.kind) == [.remoteWrite, .loki, .collector])
        #expect(outputs.map(\.name) == ["trust-vm", "trust-loki", "trust"])
        #expect(outputs[0].bearerTokenFile == "/etc/netwarden/vm.token")
        #expect(outputs[0].headers == ["X-Scope-OrgID": "oak"])
        #expect(outputs[0].caFile == "/etc/netwarden/ca.pem")
        #expect(outputs[1].basicAuthUser == "oak")
        #expect(outputs[1].proxy == "http://proxy.school.lan:3128")
        #expect(outputs[2].bearerTokenFile == "/etc/netwarden/collector.token")
        #expect(outputs[2].maxBackoff == .seconds(30))
        #expect(outputs[2].insecureSkipVerify == false)
    }

    @Test func defaultsDeliverNowhereAndServeMetricsOnLoopback() throws {
        let config = try parse("").get()
        #expect(config.outputs.outputs.isEmpty)
        #expect(config.metrics.listen == "127.0.0.1:9813")
        #expect(config.spool.maxAge == .seconds(8 * 86_400))
        #expect(config.spool.maxBytes == 1 << 30)
    }

    @Test func mistakesAreReportedWithFileLineAndKey() {
        #expect(
            errors("[metrics]\nlisten = \"localhost:9813\"\n").first?.hasPrefix(
                "netwarden.toml:5: metrics.listen: `localhost:9813`:"
            ) == true
        )
        #expect(
            errors("[[outputs.collector]]\nname = \"trust\"\nurl = \"https://c.example\"\n") == [
                "netwarden.toml:4: outputs.collector.token_file: missing; expected a line like token_file = \"/etc/netwarden/collector.token\""
            ]
        )
        #expect(
            errors("[[outputs.loki]]\nname = \"l\"\nurl = \"ftp://l.example\"\n") == [
                "netwarden.toml:6: outputs.loki.url: `ftp://l.example` is not an http:// or https:// URL"
            ]
        )
        #expect(
            errors("[[outputs.loki]]\nname = \"l\"\nurl = \"https://l.example\"\nbaerer_token_file = \"/x\"\n") == [
                "netwarden.toml:7: outputs.loki.baerer_token_file: unknown key; did you mean `bearer_token_file`?"
            ]
        )
        #expect(
            errors("[[outputs.loki]]\nname = \"l\"\nurl = \"https://l.example\"\nbasic_auth_user = \"u\"\n").first?
                .contains("basic auth needs both basic_auth_user and basic_auth_password_file") == true
        )
        #expect(
            errors(
                "[[outputs.loki]]\nname = \"l\"\nurl = \"https://l.example\"\nheaders = { \"Bad Header\" = \"x\" }\n"
            )
            .first?.contains("`Bad Header` is not an HTTP header name") == true
        )
        #expect(
            errors(
                "[[outputs.loki]]\nname = \"x\"\nurl = \"https://l.example\"\n[[outputs.remote_write]]\nname = \"x\"\nurl = \"https://v.example\"\n"
            ).first?.contains("output name `x` is used twice") == true
        )
        #expect(
            errors("[[outputs.loki]]\nname = \"l\"\nurl = \"https://l.example\"\nca_file = \"ca.pem\"\n").first?
                .contains("relative path") == true
        )
    }
}
