import Foundation
import NetwardenCollectorCore
import Testing

/// The bodies receivers get, read back with Foundation's JSON parser (an independent reader).
struct NotificationPayloadTests {
    static let starts = CivilDate.parseTimestamp("2026-12-05T10:42:00Z")!

    static var notification: AlertNotification {
        AlertNotification(
            receiver: "it-team",
            groupKey: "route0:{trust=\"oak-trust\",site=\"oak-primary\"}",
            groupLabels: [("trust", "oak-trust"), ("site", "oak-primary")],
            alerts: [
                RoutedAlert(
                    fingerprint: "0123456789abcdef",
                    labels: [
                        ("alertname", "probe_down"), ("trust", "oak-trust"), ("site", "oak-primary"),
                        ("gateway", "gw1"), ("severity", "critical"), ("probe", "vle"),
                    ],
                    annotations: [("summary", "a probe keeps failing: <b>&</b>")],
                    status: .firing,
                    startsAt: starts
                ),
                RoutedAlert(
                    fingerprint: "fedcba9876543210",
                    labels: [
                        ("alertname", "dns_slow"), ("trust", "oak-trust"), ("site", "oak-primary"),
                        ("gateway", "gw1"), ("severity", "warning"), ("probe", "dns"),
                    ],
                    annotations: [("summary", "DNS answers take over a second")],
                    status: .resolved,
                    startsAt: starts - 60_000,
                    endsAt: starts + 60_000
                ),
            ],
            createdAt: starts + 120_000
        )
    }

    static func object(_ bytes: [UInt8]) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    @Test func webhookIsAlertmanagerVersion4() throws {
        let body = try Self.object(
            AlertmanagerWebhookPayload.render(Self.notification, externalURL: "https://collector.example/")
        )
        #expect(body["version"] as? String == "4")
        #expect(body["groupKey"] as? String == "route0:{trust=\"oak-trust\",site=\"oak-primary\"}")
        #expect(body["status"] as? String == "firing")
        #expect(body["receiver"] as? String == "it-team")
        #expect(body["truncatedAlerts"] as? Int == 0)
        #expect(body["externalURL"] as? String == "https://collector.example/")
        #expect(body["groupLabels"] as? [String: String] == ["trust": "oak-trust", "site": "oak-primary"])
        #expect(
            body["commonLabels"] as? [String: String]
                == ["trust": "oak-trust", "site": "oak-primary", "gateway": "gw1"]
        )
        #expect(body["commonAnnotations"] as? [String: String] == [:])
        let alerts = try #require(body["alerts"] as? [[String: Any]])
        #expect(alerts.count == 2)
        #expect(alerts[0]["status"] as? String == "firing")
        #expect((alerts[0]["labels"] as? [String: String])?["alertname"] == "probe_down")
        #expect((alerts[0]["annotations"] as? [String: String])?["summary"] == "a probe keeps failing: <b>&</b>")
        #expect(alerts[0]["startsAt"] as? String == "2026-12-05T10:42:00Z")
        #expect(alerts[0]["endsAt"] as? String == "0001-01-01T00:00:00Z")
        #expect(
            alerts[0]["generatorURL"] as? String
                == "https://collector.example/site?trust=oak-trust&site=oak-primary&gateway=gw1"
        )
        #expect(alerts[0]["fingerprint"] as? String == "0123456789abcdef")
        #expect(alerts[1]["status"] as? String == "resolved")
        #expect(alerts[1]["endsAt"] as? String == "2026-12-05T10:43:00Z")
    }

    @Test func emailIsAPlainTextMessageWithSafeHeaders() {
        var notification = Self.notification
        notification.groupLabels = [("trust", "oak-trust"), ("site", "oak\r\nBcc: evil@example.org")]
        let text = String(
            decoding: EmailMessage.render(
                notification,
                from: "netwarden@example.org",
                to: ["it@example.org"],
                messageID: "1.2@example.org",
                externalURL: ""
            ),
            as: UTF8.self
        )
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains("From: netwarden <netwarden@example.org>"))
        #expect(lines.contains("To: <it@example.org>"))
        #expect(lines.contains("Date: Sat, 05 Dec 2026 10:44:00 +0000"))
        #expect(lines.contains("Content-Type: text/plain; charset=utf-8"))
        #expect(!lines.contains { $0.hasPrefix("Bcc:") })
        #expect(
            lines.first { $0.hasPrefix("Subject: ") }
                == "Subject: [FIRING:1] oak-trust/oak Bcc: evil@example.org probe_down, dns_slow"
        )
        #expect(
            lines.contains {
                $0.hasPrefix("FIRING probe_down at oak-primary/gw1 (probe=vle) since 2026-12-05T10:42:00Z")
            }
        )
        #expect(
            lines.contains { $0.hasPrefix("RESOLVED dns_slow at oak-primary/gw1 (probe=dns) at 2026-12-05T10:43:00Z") }
        )
    }
}
