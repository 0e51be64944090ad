import NetwardenCollectorCore
import Synchronization
import Testing

/// Retries: capped exponential backoff with jitter, `Retry-After` honoured within the cap,
/// only retryable failures retried, and one history row per attempt, over a scripted transport
/// and a recorded sleep (no sockets, no waiting).
struct NotificationDispatcherTests {
    /// Answers from a script, one per attempt, and remembers what it was asked to send.
    final class ScriptedTransport: NotificationTransport {
        let script: Mutex<[TransportResult]>
        let sent = Mutex<[OutgoingMessage]>([])

        init(_ script: [TransportResult]) { self.script = Mutex(script) }

        func send(_ message: OutgoingMessage, to receiver: ResolvedReceiver) async -> TransportResult {
            sent.withLock { $0.append(message) }
            return script.withLock { $0.isEmpty ? .http(status: 204) : $0.removeFirst() }
        }
    }

    static let notification = AlertNotification(
        receiver: "hook",
        groupKey: "route0:{trust=\"oak-trust\",site=\"oak-primary\"}",
        groupLabels: [("trust", "oak-trust"), ("site", "oak-primary")],
        alerts: [
            RoutedAlert(
                fingerprint: "0123456789abcdef",
                labels: [("alertname", "probe_down"), ("trust", "oak-trust"), ("site", "oak-primary")],
                annotations: [],
                status: .firing,
                startsAt: 0
            )
        ],
        createdAt: 0
    )

    static func run(
        _ script: [TransportResult],
        attempts: Int = 6
    ) async -> (delivered: Bool, sleeps: [Duration], rows: [HistoryEntry], sent: Int) {
        let transport = ScriptedTransport(script)
        let sleeps = Mutex<[Duration]>([])
        let rows = Mutex<[HistoryEntry]>([])
        let dispatcher = NotificationDispatcher(
            transport: transport,
            externalURL: "",
            initialBackoff: .seconds(1),
            maximumBackoff: .seconds(5),
            sleep: { pause in sleeps.withLock { $0.append(pause) } },
            clock: { 42 },
            jitter: { 1 }
        )
        let receiver = ResolvedReceiver(
            settings: ReceiverSettings(name: "hook", kind: .webhook, maximumAttempts: attempts),
            url: "https://hooks.example/netwarden?token=SECRET"
        )
        let delivered = await dispatcher.deliver(notification, to: receiver) { entries in
            rows.withLock { $0 += entries }
        }
        return (
            delivered, sleeps.withLock { $0 }, rows.withLock { $0 }, transport.sent.withLock { $0.count }
        )
    }

    @Test func retryableFailuresBackOffExponentiallyUpToTheCap() async {
        let failure = TransportResult(delivered: false, retryable: true, detail: "connection: refused")
        let result = await Self.run([failure, .http(status: 503), failure, failure, .http(status: 502)])
        #expect(result.delivered)
        #expect(result.sleeps == [.seconds(1), .seconds(2), .seconds(4), .seconds(5), .seconds(5)])
        #expect(result.rows.map(\.outcome) == ["failed", "failed", "failed", "failed", "failed", "sent"])
        #expect(result.rows.map(\.attempt) == [1, 2, 3, 4, 5, 6])
        #expect(result.rows.first?.result == "connection: refused; will retry")
        #expect(result.rows.last?.result == "HTTP 204")
        #expect(result.rows.allSatisfy { $0.destination == "https://hooks.example/netwarden" })
        #expect(result.rows.allSatisfy { $0.alerts == "probe_down firing" && $0.site == "oak-primary" })
    }

    @Test func aClientErrorIsNotRetried() async {
        let result = await Self.run([.http(status: 400)])
        #expect(!result.delivered)
        #expect(result.sent == 1)
        #expect(result.sleeps.isEmpty)
        #expect(result.rows.map(\.result) == ["HTTP 400; not retried"])
    }

    @Test func retryAfterIsHonouredWithinTheCapAndAttemptsRunOut() async {
        let result = await Self.run(
            [
                .http(status: 429, retryAfter: .seconds(3)), .http(status: 429, retryAfter: .seconds(120)),
                .http(status: 500),
            ],
            attempts: 3
        )
        #expect(!result.delivered)
        #expect(result.sleeps == [.seconds(3), .seconds(5)])
        #expect(result.rows.last?.result == "HTTP 500; giving up after 3 attempts")
    }

    @Test func theWebhookBodyIsWhatIsSent() async throws {
        let transport = ScriptedTransport([])
        let dispatcher = NotificationDispatcher(
            transport: transport,
            externalURL: "",
            sleep: { _ in },
            clock: { 0 }
        )
        let receiver = ResolvedReceiver(
            settings: ReceiverSettings(name: "hook", kind: .webhook),
            url: "https://hooks.example/x"
        )
        await dispatcher.deliver(Self.notification, to: receiver) { _ in }
        let sent = transport.sent.withLock { $0 }
        #expect(
            sent == [
                .http(
                    url: "https://hooks.example/x",
                    body: AlertmanagerWebhookPayload.render(Self.notification, externalURL: "")
                )
            ]
        )
    }
}
