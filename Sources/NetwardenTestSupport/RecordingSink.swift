import NetwardenTelemetry
import Synchronization

/// A sink that keeps every record it is given, for tests of producers and the hub.
public final class RecordingSink: TelemetrySink {
    private let state = Mutex<[TelemetryRecord]>([])

    public init() {}

    public func write(_ records: [TelemetryRecord]) { state.withLock { $0 += records } }

    public var records: [TelemetryRecord] { state.withLock { $0 } }

    public var events: [TelemetryEvent] {
        records.compactMap { if case .event(let event) = $0 { event } else { nil } }
    }

    public var groups: [SampleGroup] {
        records.compactMap { if case .samples(let group) = $0 { group } else { nil } }
    }
}
