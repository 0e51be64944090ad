import Logging
import NetwardenTelemetry

/// Delivers one output's share of the spool: reads after its last delivered record, encodes a
/// batch, sends it, and acknowledges only after a 2xx.
///
/// - Order: one request in flight, batches in spool order, and a failed batch is retried
///   whole before anything newer, so data for a series never overtakes older data (remote
///   write requires per-series order) and a week's backlog goes out oldest first.
/// - Retries: connection errors, timeouts, TLS failures, 408, 429 and 5xx, with capped
///   exponential backoff and full jitter, or the server's `Retry-After`. 401/403/407 are
///   retried too (slowly, at the maximum backoff): a wrong token is a configuration mistake a
///   technician fixes, and dropping a week of data over it would be worse.
/// - 413 halves the batch until one record is too large; other 4xx go to the dead-letter sink,
///   are counted and logged once per run, and the queue moves on.
///
/// Time comes from the injected clock (sleeps) and wall clock (timestamps), randomness from
/// `jitter`, so unit tests drive retries and ordering without sockets or waiting.
public actor OutputUploader {
    public struct Configuration: Sendable {
        public var name: String
        public var maxRecordsPerRequest: Int
        public var maxBytesPerRequest: Int
        public var retry: RetryPolicy
        /// How long to wait for new records when the spool is drained.
        public var idleInterval: Duration

        public init(
            name: String,
            maxRecordsPerRequest: Int,
            maxBytesPerRequest: Int,
            retry: RetryPolicy,
            idleInterval: Duration = .seconds(1)
        ) {
            self.name = name
            self.maxRecordsPerRequest = maxRecordsPerRequest
            self.maxBytesPerRequest = maxBytesPerRequest
            self.retry = retry
            self.idleInterval = idleInterval
        }
    }

    nonisolated public let configuration: Configuration
    private let encoder: any OutputEncoder
    private let transport: any DeliveryTransport
    private let queue: any DeliveryQueue
    private let deadLetters: any DeadLetterSink
    private let clock: any Clock<Duration>
    private let wallClock: any WallClock
    private let agent: @Sendable () -> AgentIdentity
    private let jitter: @Sendable () -> Double
    private let logger: Logger

    public private(set) var statistics = OutputStatistics()
    /// The last record delivered (or skipped as not for this output) this run.
    private var delivered: UInt64?
    /// Shrunk by 413s; grows back (doubling) only after `regrowAfter` successes in a row, so a
    /// server whose limit is below the configured batch is not sent a too-large body each time.
    private var recordLimit: Int
    private var successesSinceShrink = 0
    static let regrowAfter = 10

    public init(
        configuration: Configuration,
        encoder: any OutputEncoder,
        transport: any DeliveryTransport,
        queue: any DeliveryQueue,
        deadLetters: any DeadLetterSink,
        clock: any Clock<Duration>,
        wallClock: any WallClock,
        agent: @escaping @Sendable () -> AgentIdentity,
        jitter: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) },
        logger: Logger
    ) {
        self.configuration = configuration
        self.encoder = encoder
        self.transport = transport
        self.queue = queue
        self.deadLetters = deadLetters
        self.clock = clock
        self.wallClock = wallClock
        self.agent = agent
        self.jitter = jitter
        var logger = logger
        logger[metadataKey: "output"] = "\(configuration.name)"
        self.logger = logger
        recordLimit = configuration.maxRecordsPerRequest
        delivered = queue.acknowledgedSequence(consumer: configuration.name)
    }

    /// Delivers until the task is cancelled. Nothing is lost by stopping: what was not
    /// acknowledged is still in the spool for the next start.
    public func run() async {
        while !Task.isCancelled {
            let progressed = await deliverOnce()
            if !progressed {
                do { try await clock.sleep(for: configuration.idleInterval) } catch { return }
            }
        }
    }

    /// One step: sends the next batch (retrying it until it is delivered or dead-lettered).
    /// Returns false when there was nothing to send.
    public func deliverOnce() async -> Bool {
        let name = configuration.name
        let queued = queue.read(
            consumer: name,
            after: delivered,
            maxRecords: recordLimit,
            maxBytes: configuration.maxBytesPerRequest
        )
        guard let last = queued.last else { return false }
        var batch: [BatchRecord] = []
        batch.reserveCapacity(queued.count)
        for item in queued {
            do {
                let record = try TelemetryRecordCodec.decode(item.payload)
                if encoder.accepts(record) { batch.append(BatchRecord(queued: item, record: record)) }
            } catch {
                statistics.undecodableRecords += 1
                logger.warning(
                    "skipping a spooled record that cannot be decoded",
                    metadata: ["sequence": "\(item.sequence)", "error": "\(error)"]
                )
            }
        }
        if batch.isEmpty {
            // Nothing here for this output (events for remote write, say): move past it.
            acknowledge(through: last.sequence)
            return true
        }
        await send(batch, through: last.sequence)
        return true
    }

    private func send(_ batch: [BatchRecord], through last: UInt64) async {
        var attempt = 0
        while !Task.isCancelled {
            let request = encoder.request(for: batch, agent: agent())
            let response = await transport.send(request)
            attempt += 1
            switch Self.classify(response) {
            case .success:
                statistics.requestsByResult["success", default: 0] += 1
                statistics.sentRecords += batch.count
                statistics.sentItems += encoder.itemCount(batch)
                statistics.lastSuccessMilliseconds = wallClock.nowMilliseconds()
                if statistics.consecutiveFailures > 0 {
                    logger.notice(
                        "delivery resumed",
                        metadata: ["failed_attempts": "\(statistics.consecutiveFailures)"]
                    )
                }
                statistics.consecutiveFailures = 0
                statistics.lastError = nil
                if recordLimit < configuration.maxRecordsPerRequest {
                    successesSinceShrink += 1
                    if successesSinceShrink >= Self.regrowAfter {
                        recordLimit = min(configuration.maxRecordsPerRequest, recordLimit * 2)
                        successesSinceShrink = 0
                    }
                }
                acknowledge(through: last)
                return
            case .retry(let retryAfter, let slow):
                statistics.requestsByResult["retryable", default: 0] += 1
                noteFailure(response)
                statistics.retries += 1
                let delay =
                    slow
                    ? configuration.retry.maximum
                    : configuration.retry.delay(attempt: attempt, retryAfter: retryAfter, unit: jitter())
                do { try await clock.sleep(for: delay) } catch { return }
            case .tooLarge:
                statistics.requestsByResult["rejected", default: 0] += 1
                if batch.count > 1 {
                    // Resend the same records in halves: the first half now, the rest next step.
                    recordLimit = max(1, batch.count / 2)
                    successesSinceShrink = 0
                    logger.info(
                        "server said the batch is too large; halving it",
                        metadata: ["records": "\(batch.count)"]
                    )
                    return
                }
                deadLetter(batch, response: response, through: last)
                return
            case .reject:
                statistics.requestsByResult["rejected", default: 0] += 1
                deadLetter(batch, response: response, through: last)
                return
            }
        }
    }

    private enum Verdict {
        case success
        case retry(retryAfter: Duration?, slow: Bool)
        case tooLarge
        case reject
    }

    private static func classify(_ response: DeliveryResponse) -> Verdict {
        switch response {
        case .failed(let failure):
            return .retry(retryAfter: nil, slow: failure.kind == .configuration)
        case .answered(let status, let retryAfter, _):
            switch status {
            case 200..<300: return .success
            case 401, 403, 407: return .retry(retryAfter: retryAfter, slow: retryAfter == nil)
            case 408, 429, 500..<600: return .retry(retryAfter: retryAfter, slow: false)
            case 413: return .tooLarge
            default: return .reject
            }
        }
    }

    private func noteFailure(_ response: DeliveryResponse) {
        let description: String
        switch response {
        case .failed(let failure): description = failure.description
        case .answered(let status, _, let message): description = "HTTP \(status): \(message.prefix(200))"
        }
        // One line when a run of failures starts, not one per retry.
        if statistics.consecutiveFailures == 0 {
            logger.warning("delivery failing; will retry", metadata: ["error": "\(description)"])
        }
        statistics.consecutiveFailures += 1
        statistics.lastError = description
    }

    private func deadLetter(_ batch: [BatchRecord], response: DeliveryResponse, through last: UInt64) {
        var status = 0
        var message = ""
        if case .answered(let code, _, let text) = response {
            status = code
            message = text
        }
        statistics.deadLetterBatches += 1
        if statistics.deadLetterBatches == 1 || statistics.lastError?.hasPrefix("rejected") != true {
            logger.error(
                "server rejected a batch; kept in the dead-letter file and moving on",
                metadata: ["status": "\(status)", "message": "\(message.prefix(200))", "records": "\(batch.count)"]
            )
        }
        statistics.lastError = "rejected: HTTP \(status)"
        deadLetters.store(
            output: configuration.name,
            status: status,
            message: message,
            recordIDs: batch.map(\.queued.id),
            body: CollectorEncoder.body(for: batch, agent: agent())
        )
        recordLimit = configuration.maxRecordsPerRequest
        acknowledge(through: last)
    }

    private func acknowledge(through sequence: UInt64) {
        queue.acknowledge(consumer: configuration.name, through: sequence)
        delivered = sequence
    }

    /// This output's self-metrics, now.
    public func observations() -> [Observation] {
        let backlog = queue.backlog(consumer: configuration.name)
        var age = 0.0
        if let oldest = backlog.oldestMilliseconds {
            age = max(0, Double(wallClock.nowMilliseconds() - oldest) / 1000)
        }
        return statistics.observations(
            output: configuration.name,
            backlog: backlog.records,
            oldestUnsentAgeSeconds: age
        )
    }
}
