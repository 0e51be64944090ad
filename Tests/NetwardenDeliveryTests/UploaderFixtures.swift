import Logging
import NetwardenCore
import NetwardenDelivery
import NetwardenTelemetry
import NetwardenTestSupport
import Synchronization

/// An in-memory spool with the durable-ack semantics the uploader relies on.
final class MemoryQueue: DeliveryQueue {
    private struct State {
        var records: [QueuedRecord] = []
        var acknowledged: [String: UInt64] = [:]
    }

    private let state = Mutex(State())

    func append(_ record: TelemetryRecord, timestamp: Int64 = 0) {
        state.withLock { state in
            let sequence = UInt64(state.records.count + 1)
            state.records.append(
                QueuedRecord(
                    sequence: sequence,
                    id: "r-\(sequence)",
                    timestampMilliseconds: timestamp,
                    payload: TelemetryRecordCodec.encode(record)
                )
            )
        }
    }

    func appendRaw(_ payload: [UInt8]) {
        state.withLock { state in
            let sequence = UInt64(state.records.count + 1)
            state.records.append(
                QueuedRecord(sequence: sequence, id: "r-\(sequence)", timestampMilliseconds: 0, payload: payload)
            )
        }
    }

    func read(consumer: String, after sequence: UInt64?, maxRecords: Int, maxBytes: Int) -> [QueuedRecord] {
        state.withLock { state in
            var out: [QueuedRecord] = []
            var bytes = 0
            for record in state.records where record.sequence > (sequence ?? 0) {
                if out.count == maxRecords || (!out.isEmpty && bytes + record.payload.count > maxBytes) { break }
                out.append(record)
                bytes += record.payload.count
            }
            return out
        }
    }

    func acknowledge(consumer: String, through sequence: UInt64) {
        state.withLock { $0.acknowledged[consumer] = sequence }
    }

    func acknowledgedSequence(consumer: String) -> UInt64? { state.withLock { $0.acknowledged[consumer] } }

    func backlog(consumer: String) -> (records: Int, oldestMilliseconds: Int64?) {
        state.withLock { state in
            let waiting = state.records.filter { $0.sequence > state.acknowledged[consumer] ?? 0 }
            return (waiting.count, waiting.first?.timestampMilliseconds)
        }
    }
}

/// Answers requests from a script (the last answer repeats) and keeps every request body.
final class ScriptedTransport: DeliveryTransport {
    private struct State {
        var script: [DeliveryResponse]
        var bodies: [[UInt8]] = []
    }

    private let state: Mutex<State>

    init(_ script: [DeliveryResponse]) { state = Mutex(State(script: script)) }

    func send(_ request: DeliveryRequest) async -> DeliveryResponse {
        state.withLock { state in
            state.bodies.append(request.body)
            return state.script.count > 1 ? state.script.removeFirst() : state.script[0]
        }
    }

    var bodies: [[UInt8]] { state.withLock { $0.bodies } }

    /// Each request's NDJSON lines after the header.
    var recordLines: [[String]] {
        bodies.map { body in
            String(decoding: body, as: UTF8.self).split(separator: "\n").dropFirst().map(String.init)
        }
    }
}

struct IdentityCompressor: Compressor {
    func gzip(_ bytes: [UInt8]) -> [UInt8] { bytes }
    func snappy(_ bytes: [UInt8]) -> [UInt8] { bytes }
}

final class MemoryDeadLetters: DeadLetterSink {
    private let state = Mutex<[(status: Int, ids: [String])]>([])

    func store(output: String, status: Int, message: String, recordIDs: [String], body: [UInt8]) {
        state.withLock { $0.append((status, recordIDs)) }
    }

    var stored: [(status: Int, ids: [String])] { state.withLock { $0 } }
}

enum Fixtures {
    static let identity = AgentIdentity(trust: "t", site: "s", gateway: "g")

    static func samples(_ value: Double, at time: Int64 = 1_000) -> TelemetryRecord {
        .samples(
            SampleGroup(
                timestampMilliseconds: time,
                identity: identity,
                observations: [Observation(.probeSuccess, value, [Label("probe", "vle")])]
            )
        )
    }

    static func event(_ subject: String) -> TelemetryRecord {
        .event(
            TelemetryEvent(
                id: "e-" + subject,
                timestampMilliseconds: 2_000,
                identity: identity,
                kind: .alertFiring,
                severity: .warning,
                subject: subject,
                evidence: "timeout"
            )
        )
    }

    static func uploader(
        queue: MemoryQueue,
        transport: ScriptedTransport,
        deadLetters: MemoryDeadLetters = MemoryDeadLetters(),
        clock: ImmediateClock = ImmediateClock(),
        encoder: any OutputEncoder = CollectorEncoder(compressor: IdentityCompressor()),
        maxRecords: Int = 100
    ) -> OutputUploader {
        OutputUploader(
            configuration: .init(
                name: "trust",
                maxRecordsPerRequest: maxRecords,
                maxBytesPerRequest: 1 << 20,
                retry: RetryPolicy(minimum: .seconds(1), maximum: .seconds(60))
            ),
            encoder: encoder,
            transport: transport,
            queue: queue,
            deadLetters: deadLetters,
            clock: clock,
            wallClock: ManualWallClock(10_000),
            agent: { identity },
            jitter: { 1 },
            logger: Logger(label: "test")
        )
    }
}
