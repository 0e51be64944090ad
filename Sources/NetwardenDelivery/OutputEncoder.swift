import NetwardenTelemetry

/// A decoded spool record with its place in the spool.
public struct BatchRecord: Sendable {
    public var queued: QueuedRecord
    public var record: TelemetryRecord

    public init(queued: QueuedRecord, record: TelemetryRecord) {
        self.queued = queued
        self.record = record
    }
}

/// Compression an encoder asks for; the daemon supplies libsnappy and zlib (edge modules), unit
/// tests may supply an identity function.
public protocol Compressor: Sendable {
    func gzip(_ bytes: [UInt8]) -> [UInt8]
    func snappy(_ bytes: [UInt8]) -> [UInt8]
}

/// One destination protocol: which records it carries and how a batch of them goes on the
/// wire. Pure: no I/O, so every protocol's bytes are unit-tested and cross-checked with the
/// reference decoders.
public protocol OutputEncoder: Sendable {
    /// Whether this output carries `record` (remote write: samples; Loki: events).
    func accepts(_ record: TelemetryRecord) -> Bool
    /// The request for a non-empty batch of accepted records, in spool order.
    func request(for batch: [BatchRecord], agent: AgentIdentity) -> DeliveryRequest
    /// How many samples or events a batch holds (for `netwarden_output_sent_samples_total`).
    func itemCount(_ batch: [BatchRecord]) -> Int
}

extension OutputEncoder {
    public func itemCount(_ batch: [BatchRecord]) -> Int {
        batch.reduce(0) { total, item in
            switch item.record {
            case .samples(let group): total + group.observations.count
            case .event: total + 1
            }
        }
    }
}
