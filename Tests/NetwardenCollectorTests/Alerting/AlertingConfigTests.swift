import Foundation
import NetwardenCollectorCore
import NetwardenCore
import NetwardenTestSupport
import Testing

/// `[[receiver]]`, `[[route]]`, `[alerts]` and `[[silence]]` in the collector's config: the
/// contract's names, and `FILE:LINE: key: message` for every mistake.
struct AlertingConfigTests {
    @Test func theContractExampleAndItsExtensionsDecode() throws {
        let text = """
            [alerts]
            offline_after_seconds = 180
            external_url = "https://collector.example-trust.org/"

            [[receiver]]
            name = "it-team"
            kind = "webhook"
            url = "https://hooks.example-trust.org/netwarden"

            [[receiver]]
            name = "it-mail"
            kind = "email"
            smtp_host = "smtp.example-trust.org"
            from = "netwarden@example-trust.org"
            to = ["it@example-trust.org", "head@oak.example"]
            username = "netwarden"
            password_file = "/etc/netwarden-collector/smtp.password"

            [[receiver]]
            name = "chat"
            kind = "teams"
            url_file = "/etc/netwarden-collector/teams.url"

            [[route]]
            receiver = "it-team"
            match = { severity = "critical" }
            group_wait_seconds = 30
            group_interval_seconds = 300
            repeat_interval_seconds = 14400
            continue = true

            [[route]]
            receiver = "it-mail"
            group_by = ["trust"]

            [[silence]]
            kind = "maintenance"
            trust = "oak-trust"
            site = "oak-primary"
            starts = "2026-12-05T08:00:00Z"
            ends = "2026-12-05T12:00:00Z"
            comment = "uplink upgrade"

            [[silence]]
            trust = "oak-trust"
            days = ["sat", "sun"]
            from = "00:00"
            until = "24:00"
            dates = ["2026-12-19/2027-01-04", "2027-02-15"]
            time_zone = "Europe/London"
            """
        let config = try CollectorConfig.parse(bytes: Array(text.utf8), fileName: "c.toml").get()
        #expect(config.alerts.offlineAfter == .seconds(180))
        #expect(config.receivers.map(\.name) == ["it-team", "it-mail", "chat"])
        #expect(config.receivers[1].email?.to == ["it@example-trust.org", "head@oak.example"])
        #expect(config.receivers[1].email?.tls == .starttls)
        #expect(config.receivers[1].email?.port == 587)
        #expect(config.receivers[2].urlFile == "/etc/netwarden-collector/teams.url")
        #expect(config.routes[0].match == ["severity": "critical"])
        #expect(config.routes[0].groupBy == ["trust", "site"])
        #expect(config.routes[0].continueMatching)
        #expect(config.routes[1].groupBy == ["trust"])
        #expect(config.routes[1].groupWait == .seconds(30))
        #expect(config.silences.count == 2)
        #expect(config.silences[0].kind == .maintenance)
        #expect(config.silences[0].isActive(at: CivilDate.parseTimestamp("2026-12-05T09:00:00Z")!))
        guard case .recurring(let recurrence) = config.silences[1].schedule else {
            Issue.record("expected a recurring window")
            return
        }
        #expect(recurrence.weekdays == [0, 6])
        #expect(recurrence.dateRanges.count == 2)
        #expect(recurrence.timeZone == "Europe/London")
    }

    /// The shipped file's commented alert-routing example, uncommented, is a valid config.
    @Test func theShippedExampleIsValidWhenUncommented() throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let shipped = try String(
            contentsOf: url.appendingPathComponent("etc/netwarden-collector/collector.toml"),
            encoding: .utf8
        )
        let block = try #require(shipped.components(separatedBy: "# --- Alert routing").last)
        var lines: [String] = []
        for line in block.split(separator: "\n") where line.hasPrefix("# ") {
            let body = line.dropFirst(2)
            let isHeader = body.hasPrefix("[")
            let isSetting = body.first?.isLowercase == true && body.contains(" = ")
            if isHeader || isSetting { lines.append(String(body)) }
        }
        let config = try CollectorConfig.parse(bytes: Array(lines.joined(separator: "\n").utf8), fileName: "example")
            .get()
        #expect(config.receivers.map(\.kind) == [.webhook, .slack, .email])
        #expect(config.routes.count == 1)
        #expect(config.silences.count == 3)
        #expect(config.alerts.inhibitingAlerts == ["school_offline", "uplink_down"])
    }

    @Test func mistakesAreReportedWithFileLineAndKey() {
        let text = """
            [[receiver]]
            name = "it-team"
            kind = "webhok"

            [[receiver]]
            name = "mail"
            kind = "email"
            smtp_host = "smtp.example.org"
            to = ["not-an-address"]
            username = "x"

            [[route]]
            receiver = "nobody"
            group_wait_secs = 3

            [[silence]]
            trust = "oak-trust"
            starts = "tomorrow"
            ends = "2026-12-05T12:00:00Z"
            """
        guard case .failure(let errors) = CollectorConfig.parse(bytes: Array(text.utf8), fileName: "c.toml") else {
            Issue.record("accepted a bad file")
            return
        }
        let lines = errors.lines
        #expect(lines.contains { $0.hasPrefix("c.toml:3: receiver.kind: ") && $0.contains("webhook") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("c.toml:") && $0.contains("receiver.from: missing") }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("c.toml:9: receiver.to: ") && $0.contains("not an email address") })
        #expect(
            lines.contains { $0.hasPrefix("c.toml:10: receiver.username: expected both username and password_file") }
        )
        #expect(lines.contains { $0.hasPrefix("c.toml:13: route.receiver: ") && $0.contains("`nobody`") }, "\(lines)")
        #expect(
            lines.contains {
                $0.hasPrefix("c.toml:14: route.group_wait_secs: unknown key") && $0.contains("group_wait_seconds")
            },
            "\(lines)"
        )
        #expect(lines.contains { $0.hasPrefix("c.toml:18: silence.starts: ") && $0.contains("RFC 3339") }, "\(lines)")
        #expect(lines.count == 8, "\(lines)")
    }
    @Test(.enabled(if: collectorBuilt, "netwarden-collector is not built"), .timeLimit(.minutes(1)))
    func checkConfigReadsReceiverSecretFilesWithoutPrintingThem() async throws {
        let directory = try TemporaryDirectory(prefix: "nw-collector-config")
        let path = directory.path + "/collector.toml"
        let config = """
            [[receiver]]
            name = "chat"
            kind = "slack"
            url_file = "\(directory.path)/slack.url"

            [[route]]
            receiver = "chat"
            """
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        let missing = try await Command([CollectorUnderTest.binaryPath, "check-config", path]).run(check: false)
        #expect(missing.termination == .exited(2))
        #expect(
            missing.standardErrorText.contains("receiver chat: url_file \(directory.path)/slack.url cannot be read"),
            "\(missing.standardErrorText)"
        )
        try "https://hooks.slack.example/services/T0/B0/SECRETPART\n".write(
            toFile: directory.path + "/slack.url",
            atomically: true,
            encoding: .utf8
        )
        let ok = try await Command([CollectorUnderTest.binaryPath, "check-config", path]).run()
        #expect(ok.standardOutputText.contains("OK") && ok.standardOutputText.contains("1 receiver(s), 1 route(s)"))
        #expect(!ok.standardOutputText.contains("SECRETPART"))
    }
}
