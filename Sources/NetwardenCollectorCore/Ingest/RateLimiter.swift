import Synchronization

/// A token bucket per agent: `burst` requests back to back, then `perSecond` sustained.
///
/// Time is passed in (seconds on a monotonic clock) so tests drive it without sleeping.
public final class RateLimiter: Sendable {
    public let burst: Double
    public let perSecond: Double
    private let buckets = Mutex<[Int64: (tokens: Double, updated: Double)]>([:])

    public init(burst: Int, perSecond: Double) {
        self.burst = Double(burst)
        self.perSecond = perSecond
    }

    /// Takes one token for `agent`. Returns nil when admitted, or how many whole seconds to wait
    /// (at least 1, for `Retry-After`) when the bucket is empty.
    public func admit(_ agent: Int64, now: Double) -> Int? {
        buckets.withLock { buckets in
            var bucket = buckets[agent] ?? (tokens: burst, updated: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updated) * perSecond)
            bucket.updated = now
            defer { buckets[agent] = bucket }
            if bucket.tokens >= 1 {
                bucket.tokens -= 1
                return nil
            }
            let wait = (1 - bucket.tokens) / perSecond
            return max(1, Int(wait.rounded(.up)))
        }
    }
}
