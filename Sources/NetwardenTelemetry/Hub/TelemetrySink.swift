/// Where the hub sends what producers publish: the disk spool (and through it every output),
/// the local JSON-lines files, tests' in-memory sinks.
///
/// Called on the producer's thread, outside the hub's lock, in publish order per producer.
/// A sink must not block for long and must not throw: a sink that cannot write counts the loss
/// (and reports it in its own self-metrics) so a full disk never stops a probe.
public protocol TelemetrySink: Sendable {
    func write(_ records: [TelemetryRecord])
}
