/// When to try again after a failed request: capped exponential backoff with full jitter, or
/// exactly what the server asked for in `Retry-After`.
///
/// Full jitter (a uniform delay between zero and the capped exponential) spreads the retries of
/// fifty schools whose shared uplink came back at once, instead of having them knock together.
public struct RetryPolicy: Sendable, Equatable {
    public var minimum: Duration
    public var maximum: Duration
    /// The longest `Retry-After` honoured; a server asking for more is waited on this long.
    public var retryAfterLimit: Duration

    public init(minimum: Duration, maximum: Duration, retryAfterLimit: Duration = .seconds(3600)) {
        self.minimum = minimum
        self.maximum = max(maximum, minimum)
        self.retryAfterLimit = retryAfterLimit
    }

    /// The ceiling for the `attempt`-th consecutive failure (1-based): min * 2^(attempt-1),
    /// capped at `maximum`.
    public func ceiling(attempt: Int) -> Duration {
        var ceiling = minimum
        for _ in 1..<max(attempt, 1) {
            ceiling = ceiling * 2
            if ceiling >= maximum { return maximum }
        }
        return min(ceiling, maximum)
    }

    /// The delay before the next try. `unit` is a uniform random number in [0, 1).
    public func delay(attempt: Int, retryAfter: Duration?, unit: Double) -> Duration {
        if let retryAfter { return min(max(retryAfter, .zero), retryAfterLimit) }
        return ceiling(attempt: attempt) * min(max(unit, 0), 1)
    }
}
