import NIOCore
import Synchronization

/// The endpoint's open connections: the count behind the connection cap, and the list that
/// graceful shutdown closes.
///
/// Shared between the listening channel's event loop (accepting) and the connections' loops
/// (closing), hence a lock rather than event-loop confinement.
final class ConnectionTracker: Sendable {
    private struct State {
        var open: [ObjectIdentifier: any Channel] = [:]
        var peak = 0
        /// Accepting is suspended because the cap was reached; the next close resumes it.
        var acceptPaused = false
        var closed = false
    }

    let limit: Int
    private let state = Mutex(State())

    init(limit: Int) { self.limit = max(1, limit) }

    var openCount: Int { state.withLock { $0.open.count } }
    var peakCount: Int { state.withLock { $0.peak } }

    /// Records a newly accepted connection; `false` means close it (cap reached or shutting down).
    func admit(_ channel: any Channel) -> Bool {
        state.withLock { state in
            guard !state.closed, state.open.count < limit else { return false }
            state.open[ObjectIdentifier(channel)] = channel
            state.peak = max(state.peak, state.open.count)
            return true
        }
    }

    /// Forgets a closed connection; `true` means accepting was paused and should resume now.
    func remove(_ channel: any Channel) -> Bool {
        state.withLock { state in
            state.open[ObjectIdentifier(channel)] = nil
            guard state.acceptPaused, !state.closed, state.open.count < limit else { return false }
            state.acceptPaused = false
            return true
        }
    }

    /// Called before the listener asks for more connections: at the cap, records the pause and
    /// returns `true` so the read is withheld (the check and the flag under one lock, so a close
    /// in between cannot leave accepting paused forever).
    func pauseIfFull() -> Bool {
        state.withLock { state in
            guard state.open.count >= limit else { return false }
            state.acceptPaused = true
            return true
        }
    }

    /// Refuses every later connection and returns the open ones for the caller to close.
    func closeAll() -> [any Channel] {
        state.withLock { state in
            state.closed = true
            return Array(state.open.values)
        }
    }
}
