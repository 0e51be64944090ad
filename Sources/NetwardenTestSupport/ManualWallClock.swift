import NetwardenTelemetry
import Synchronization

/// A wall clock tests set and advance by hand.
public final class ManualWallClock: WallClock {
    private let now: Mutex<Int64>

    public init(_ milliseconds: Int64 = 1_700_000_000_000) { now = Mutex(milliseconds) }

    public func nowMilliseconds() -> Int64 { now.withLock { $0 } }

    public func advance(milliseconds: Int64) { now.withLock { $0 += milliseconds } }

    public func set(_ milliseconds: Int64) { now.withLock { $0 = milliseconds } }
}
