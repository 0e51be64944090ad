/// The wall clock the hub stamps samples and events with, injected so tests control time.
///
/// Wall time, not monotonic: these timestamps are stored and compared across machines. The
/// system implementation lives in NetwardenPlatform (this module makes no syscalls).
public protocol WallClock: Sendable {
    /// Milliseconds since the Unix epoch.
    func nowMilliseconds() -> Int64
}
