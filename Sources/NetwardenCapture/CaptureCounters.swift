import Synchronization

/// A capture's counters, published by the capture thread and read by anyone (metrics, status).
///
/// The capture loop counts in locals and publishes here at most about once a second, so the
/// per-packet path never takes a lock.
public final class CaptureCounters: Sendable {
    /// One consistent reading.
    public struct Snapshot: Hashable, Sendable {
        /// Packets handed to the engine.
        public var delivered: UInt64 = 0
        /// Of those, packets the snapshot length cut short.
        public var truncated: UInt64 = 0
        /// libpcap's counters (live sources only; zero for files).
        public var statistics = CaptureStatistics()

        public init() {}
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    func publish(_ snapshot: Snapshot) { state.withLock { $0 = snapshot } }
}
