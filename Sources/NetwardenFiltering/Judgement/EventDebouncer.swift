import NetwardenInspection
import NetwardenProtocols

/// Lets the first event of each key through per window and counts the rest.
///
/// A pupil's browser retries a blocked site dozens of times a minute and a VPN client opens a
/// flow every few seconds; an event each time would bury the one line a technician needs. The
/// counters still count every occurrence; the next event for the key says how many were held
/// back (`suppressed`).
struct EventDebouncer {
    struct Key: Hashable {
        var kind: FilterEventKind
        var client: IPAddress
        var subject: String
        var category: String
        var method: LeakMethod?
    }

    struct Window {
        var start: Int64
        var suppressed: Int
    }

    let windowSeconds: Int64
    private var windows: [Key: Window] = [:]
    private var lastPrune: Int64 = 0

    init(windowSeconds: Int64) {
        self.windowSeconds = max(0, windowSeconds)
    }

    /// The window start and the count suppressed before it if the event should go out; nil
    /// when it falls in an open window (and is counted there).
    mutating func admit(_ key: Key, at time: PacketTime) -> (windowStart: Int64, suppressedBefore: Int)? {
        let now = time.seconds
        prune(now: now)
        if var window = windows[key], now - window.start < windowSeconds {
            window.suppressed += 1
            windows[key] = window
            return nil
        }
        let before = windows[key]?.suppressed ?? 0
        windows[key] = Window(start: now, suppressed: 0)
        return (now, before)
    }

    /// Forgets windows that closed long ago, once per window length, so the table holds only
    /// keys active in the last two windows. A count suppressed in a window that then saw no
    /// further event is dropped with it; the counters already include those occurrences.
    private mutating func prune(now: Int64) {
        guard now - lastPrune >= max(windowSeconds, 1) else { return }
        lastPrune = now
        windows = windows.filter { now - $0.value.start < 2 * windowSeconds }
    }

    var activeKeys: Int { windows.count }
}
