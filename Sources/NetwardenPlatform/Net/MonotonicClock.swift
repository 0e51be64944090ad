import Glibc

/// Nanosecond readings of CLOCK_MONOTONIC and CLOCK_REALTIME.
///
/// Probe timings use the monotonic clock only (an NTP step must never produce a negative or
/// huge RTT). The realtime clock appears solely to translate a kernel receive timestamp, which
/// SO_TIMESTAMPNS reports in realtime, into monotonic time; see `ICMPSocket`.
public enum MonotonicClock {
    public static func nanoseconds() -> Int64 { read(CLOCK_MONOTONIC) }

    public static func realtimeNanoseconds() -> Int64 { read(CLOCK_REALTIME) }

    private static func read(_ clock: clockid_t) -> Int64 {
        var now = timespec()
        clock_gettime(clock, &now)
        return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
    }
}
