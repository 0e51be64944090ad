/// How long a capture worker waits before reopening an interface that failed.
///
/// Doubling from `initial` to `cap`: an interface that does not exist yet (a USB adapter not
/// plugged in, a VLAN created later) is retried soon after start without spinning, and a
/// permanently missing one costs one open attempt per `cap`. No jitter: each worker retries one
/// local interface, so there is no shared server for synchronised retries to overwhelm.
public struct CaptureBackoff: Sendable, Equatable {
    public let initial: Duration
    public let cap: Duration
    private var current: Duration

    public init(initial: Duration = .seconds(1), cap: Duration = .seconds(60)) {
        precondition(initial > .zero && cap >= initial, "backoff needs 0 < initial <= cap")
        self.initial = initial
        self.cap = cap
        current = initial
    }

    /// The wait before the next attempt; each call doubles the following one, up to `cap`.
    public mutating func next() -> Duration {
        let delay = current
        current = min(current * 2, cap)
        return delay
    }

    /// After the interface captured again: the next failure starts from `initial`.
    public mutating func reset() { current = initial }
}
