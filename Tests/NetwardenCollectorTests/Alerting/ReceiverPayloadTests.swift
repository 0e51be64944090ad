import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The real collector sends one alert to Slack-, Teams- and email-shaped local receivers, and
/// each gets the payload its service expects, checked field by field: Slack blocks with a text
/// fallback, a Teams Workflows message with an Adaptive Card, and mail over SMTP with STARTTLS
/// (a lab CA's certificate, verified) and AUTH.
@Suite(
    .timeLimit(.minutes(2)),
    .enabled(if: collectorBuilt, "netwarden-collector is not built"),
    .enabled("python3's aiosmtpd is missing (scripts/test installs it from PyPI)") { await SMTPSink.isAvailable() }
)
struct ReceiverPayloadTests {
    @Test func slackTeamsAndEmailPayloadsFieldByField() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-receivers")
        let authority = try await LabCertificateAuthority.create(in: scratch.path)
        let certificate = try await authority.issueServerCertificate(
            dnsNames: ["localhost"],
            ipAddresses: ["127.0.0.1"]
        )
        let smtp = try await SMTPSink.start(certificate: certificate, user: "netwarden", password: "s3cret-pass")
        defer { smtp.process.signal(SIGKILL) }
        try "s3cret-pass\n".write(toFile: scratch.path + "/smtp.password", atomically: true, encoding: .utf8)
        try await UploadTestServer.with(.http, directory: scratch.path) { http in
            try "\(http.baseURL)/teams/workflow?sig=SECRET\n".write(
                toFile: scratch.path + "/teams.url",
                atomically: true,
                encoding: .utf8
            )
            let collector = try CollectorUnderTest(
                extra: """
                    [alerts]
                    external_url = "https://collector.example-trust.org/"

                    [[receiver]]
                    name = "slack"
                    kind = "slack"
                    url = "\(http.baseURL)/slack/services/T0/B0/XYZ"

                    [[receiver]]
                    name = "teams"
                    kind = "teams"
                    url_file = "\(scratch.path)/teams.url"

                    [[receiver]]
                    name = "mail"
                    kind = "email"
                    smtp_host = "127.0.0.1"
                    smtp_port = \(smtp.port)
                    from = "netwarden@example-trust.org"
                    to = ["it@example-trust.org", "head@oak.example"]
                    username = "netwarden"
                    password_file = "\(scratch.path)/smtp.password"
                    ca_file = "\(authority.certificatePath)"

                    [[route]]
                    receiver = "slack"
                    group_wait_seconds = 0.2
                    group_interval_seconds = 0.5
                    continue = true

                    [[route]]
                    receiver = "teams"
                    group_wait_seconds = 0.2
                    group_interval_seconds = 0.5
                    continue = true

                    [[route]]
                    receiver = "mail"
                    group_wait_seconds = 0.2
                    group_interval_seconds = 0.5
                    """
            )
            try await collector.start()
            defer { Task { await collector.stop() } }
            let token = try await collector.addAgent("oak-primary-gw1")
            let now = TestBatch.nowMilliseconds()
            let firing = AlertingTestSupport.alertEvent(id: "a-1", firing: true, since: now - 3000, ts: now)
            let stored = try await collector.ingest(AlertingTestSupport.batch(1, [firing]), token: token)
            #expect(stored.status == 200, "\(stored.body)")

            let requests = try await http.requests(atLeast: 2, timeout: .seconds(30))
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(30)) { !smtp.records("message").isEmpty },
                "\(smtp.output)"
            )

            // Slack: blocks for the app, text as the fallback.
            let slackRequest = try #require(requests.first { $0.path.hasPrefix("/slack/") })
            #expect(slackRequest.header("Content-Type") == "application/json")
            let slack = AlertingTestSupport.json(slackRequest.body)
            let fallback = try #require(slack["text"] as? String)
            #expect(fallback.hasPrefix("[FIRING:1] oak-trust/oak-primary probe_down\n"), "\(fallback)")
            #expect(fallback.contains("FIRING probe_down at oak-primary/gw1 (probe=vle)"), "\(fallback)")
            let blocks = try #require(slack["blocks"] as? [[String: Any]])
            #expect(blocks.map { $0["type"] as? String } == ["header", "section", "context"])
            let header = try #require(blocks[0]["text"] as? [String: Any])
            #expect(header["type"] as? String == "plain_text")
            #expect(header["text"] as? String == "[FIRING:1] oak-trust/oak-primary probe_down")
            let section = try #require(blocks[1]["text"] as? [String: Any])
            #expect(section["type"] as? String == "mrkdwn")
            let sectionText = try #require(section["text"] as? String)
            #expect(sectionText.contains(":red_circle: *probe_down* firing at *oak-primary* (gw1) · critical"))
            #expect(sectionText.contains("`probe=vle`"))
            #expect(sectionText.contains("since \(TimeTextForTests.rfc3339(now - 3000))"), "\(sectionText)")
            let context = try #require((blocks[2]["elements"] as? [[String: Any]])?.first)
            #expect(
                context["text"] as? String
                    == "netwarden · slack · <https://collector.example-trust.org/|open the collector>"
            )

            // Teams: a Workflows message with one Adaptive Card attachment (no MessageCard).
            let teamsRequest = try #require(requests.first { $0.path.hasPrefix("/teams/") })
            #expect(teamsRequest.path == "/teams/workflow?sig=SECRET")
            let teams = AlertingTestSupport.json(teamsRequest.body)
            #expect(teams["type"] as? String == "message")
            #expect(teams["@type"] == nil)
            let attachment = try #require((teams["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["contentType"] as? String == "application/vnd.microsoft.card.adaptive")
            #expect(attachment["contentUrl"] is NSNull)
            let card = try #require(attachment["content"] as? [String: Any])
            #expect(card["type"] as? String == "AdaptiveCard")
            #expect(card["version"] as? String == "1.4")
            #expect(card["$schema"] as? String == "http://adaptivecards.io/schemas/adaptive-card.json")
            let body = try #require(card["body"] as? [[String: Any]])
            #expect(body.map { $0["type"] as? String } == ["TextBlock", "TextBlock", "FactSet"])
            #expect(body[0]["text"] as? String == "[FIRING:1] oak-trust/oak-primary probe_down")
            #expect(body[0]["color"] as? String == "Attention")
            let facts = try #require(body[2]["facts"] as? [[String: String]])
            let factMap = Dictionary(uniqueKeysWithValues: facts.map { ($0["title"] ?? "", $0["value"] ?? "") })
            #expect(factMap["School"] == "oak-trust/oak-primary")
            #expect(factMap["Gateway"] == "gw1")
            #expect(factMap["Severity"] == "critical")
            #expect(factMap["Labels"] == "probe=vle")
            #expect(factMap["Since"] == TimeTextForTests.rfc3339(now - 3000))
            let action = try #require((card["actions"] as? [[String: Any]])?.first)
            #expect(action["type"] as? String == "Action.OpenUrl")
            #expect(
                action["url"] as? String
                    == "https://collector.example-trust.org/site?trust=oak-trust&site=oak-primary&gateway=gw1"
            )

            // Email: STARTTLS, then AUTH inside TLS, then one message to both recipients.
            let auth = try #require(smtp.records("auth").first)
            #expect(auth["ok"] as? Bool == true)
            #expect(auth["tls"] as? Bool == true)
            let mail = try #require(smtp.records("message").first)
            #expect(mail["from"] as? String == "netwarden@example-trust.org")
            #expect(mail["to"] as? [String] == ["it@example-trust.org", "head@oak.example"])
            #expect(mail["tls"] as? Bool == true)
            #expect(mail["authenticated"] as? Bool == true)
            let lines = (mail["data"] as? String ?? "").components(separatedBy: "\r\n")
            #expect(lines.contains("From: netwarden <netwarden@example-trust.org>"))
            #expect(lines.contains("To: <it@example-trust.org>, <head@oak.example>"))
            #expect(lines.contains("Subject: [FIRING:1] oak-trust/oak-primary probe_down"))
            #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
            #expect(lines.contains { $0.hasPrefix("Message-ID: <") && $0.hasSuffix("@example-trust.org>") })
            #expect(lines.contains { $0.hasPrefix("FIRING probe_down at oak-primary/gw1 (probe=vle) since ") })
            #expect(lines.contains("Collector: https://collector.example-trust.org/"))

            // The resolution reaches all three, once each.
            let resolved = AlertingTestSupport.alertEvent(id: "a-1-r", firing: false, since: now - 3000, ts: now + 1)
            #expect(try await collector.ingest(AlertingTestSupport.batch(2, [resolved]), token: token).status == 200)
            let after = try await http.requests(atLeast: 4, timeout: .seconds(30))
            #expect(
                try await AlertingTestSupport.eventually(timeout: .seconds(30)) { smtp.records("message").count >= 2 }
            )
            let resolvedSlack = after.dropFirst(2).first { $0.path.hasPrefix("/slack/") }
            #expect(
                (AlertingTestSupport.json(resolvedSlack?.body ?? [])["text"] as? String)?.hasPrefix(
                    "[RESOLVED] oak-trust/oak-primary probe_down"
                ) == true
            )
            #expect(
                (smtp.records("message").last?["data"] as? String)?.contains(
                    "Subject: [RESOLVED] oak-trust/oak-primary probe_down"
                ) == true
            )

            // The history names every delivery; no secret (Slack path, Teams signature, password) shows.
            let password = try await collector.addUser("central-it")
            let history = try await collector.request(
                "GET",
                "/api/v1/notifications?outcome=sent",
                extra: ["-u", "central-it:\(password)"]
            )
            let rows = AlertingTestSupport.json(history.body)["notifications"] as? [[String: Any]] ?? []
            #expect(rows.count == 6, "\(history.body)")
            #expect(Set(rows.compactMap { $0["receiver"] as? String }) == ["slack", "teams", "mail"])
            #expect(rows.contains { $0["receiver"] as? String == "mail" && $0["result"] as? String == "SMTP 250" })
            #expect(
                !history.body.contains("XYZ") && !history.body.contains("SECRET") && !history.body.contains("s3cret")
            )
            let log = collector.process?.lines.map(\.text).joined(separator: "\n") ?? ""
            #expect(!log.contains("s3cret"))
        }
    }
}

/// RFC 3339 as the collector writes it, for expectations.
enum TimeTextForTests {
    static func rfc3339(_ milliseconds: Int64) -> String {
        let date = Date(timeIntervalSince1970: Double(milliseconds / 1000))
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }
}
