/// Renders a notification for its receiver and gets it there: attempts with capped
/// exponential backoff (and jitter, and the server's `Retry-After` within the cap), each
/// attempt recorded in the history.
public struct NotificationDispatcher: Sendable {
    public let transport: any NotificationTransport
    public let externalURL: String
    /// First pause between attempts, doubled each time up to `maximumBackoff`.
    public let initialBackoff: Duration
    public let maximumBackoff: Duration
    let sleep: @Sendable (Duration) async -> Void
    let clock: @Sendable () -> Int64
    let jitter: @Sendable () -> Double

    public init(
        transport: any NotificationTransport,
        externalURL: String,
        initialBackoff: Duration = .seconds(1),
        maximumBackoff: Duration = .seconds(60),
        sleep: @escaping @Sendable (Duration) async -> Void,
        clock: @escaping @Sendable () -> Int64,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0.8...1.2) }
    ) {
        self.transport = transport
        self.externalURL = externalURL
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
    }

    /// The message for this receiver's kind.
    public func message(for notification: AlertNotification, to receiver: ResolvedReceiver) -> OutgoingMessage {
        switch receiver.settings.kind {
        case .webhook:
            return .http(
                url: receiver.url ?? "",
                body: AlertmanagerWebhookPayload.render(notification, externalURL: externalURL)
            )
        case .slack:
            return .http(url: receiver.url ?? "", body: SlackPayload.render(notification, externalURL: externalURL))
        case .teams:
            return .http(url: receiver.url ?? "", body: TeamsPayload.render(notification, externalURL: externalURL))
        case .email:
            let email = receiver.settings.email
            let from = email?.from ?? ""
            let to = email?.to ?? []
            let domain = from.split(separator: "@").last.map(String.init) ?? "netwarden.invalid"
            let messageID =
                "\(notification.createdAt).\(RoutedAlert.fingerprint(of: [("g", notification.groupKey), ("r", receiver.settings.name)]))@\(domain)"
            return .email(
                from: from,
                to: to,
                message: EmailMessage.render(
                    notification,
                    from: from,
                    to: to,
                    messageID: messageID,
                    externalURL: externalURL
                )
            )
        }
    }

    /// Delivers with retries; `record` gets one history row per attempt. Returns whether it
    /// got through. Task cancellation (shutdown) stops between attempts.
    @discardableResult
    public func deliver(
        _ notification: AlertNotification,
        to receiver: ResolvedReceiver,
        record: @Sendable ([HistoryEntry]) async -> Void
    ) async -> Bool {
        let message = message(for: notification, to: receiver)
        let attempts = receiver.settings.maximumAttempts
        var pause = initialBackoff
        for attempt in 1...max(1, attempts) {
            let result = await transport.send(message, to: receiver)
            let last = attempt == attempts || !result.retryable || result.delivered
            var detail = result.detail
            if !result.delivered {
                detail +=
                    last
                    ? (result.retryable ? "; giving up after \(attempt) attempts" : "; not retried") : "; will retry"
            }
            await record([entry(notification, receiver, attempt: attempt, result: result, detail: detail)])
            if result.delivered { return true }
            if last || Task.isCancelled { return false }
            var wait = Duration.seconds(pause / .seconds(1) * jitter())
            if let asked = result.retryAfter, asked > wait { wait = asked }
            await sleep(min(wait, maximumBackoff))
            pause = min(pause * 2, maximumBackoff)
        }
        return false
    }

    func entry(
        _ notification: AlertNotification,
        _ receiver: ResolvedReceiver,
        attempt: Int,
        result: TransportResult,
        detail: String
    ) -> HistoryEntry {
        let school = notification.alerts.first
        return HistoryEntry(
            outcome: result.delivered ? "sent" : "failed",
            at: clock(),
            receiver: receiver.settings.name,
            receiverKind: receiver.settings.kind.rawValue,
            destination: receiver.destination,
            groupKey: notification.groupKey,
            status: notification.isLateSummary ? "late-summary" : notification.status.rawValue,
            trust: school?.trust ?? "",
            site: school?.site ?? "",
            alerts: HistoryEntry.describe(notification.alerts),
            attempt: attempt,
            result: detail,
            reason: notification.isLateSummary
                ? "late-summary: \(notification.alerts.first?.annotation("summary") ?? "")" : ""
        )
    }
}
