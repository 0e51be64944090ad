import NetwardenPlatform
import NetwardenTelemetry

/// The machine's realtime clock, for the hub's timestamps.
public struct SystemWallClock: WallClock {
    public init() {}

    public func nowMilliseconds() -> Int64 { MonotonicClock.realtimeNanoseconds() / 1_000_000 }
}
