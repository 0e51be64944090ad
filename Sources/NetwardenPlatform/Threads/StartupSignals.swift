import Glibc
import Synchronization

/// Catches SIGTERM, SIGINT and SIGHUP from the first line of `main` until the daemon's own
/// handlers exist, then hands over what arrived in between.
///
/// Their default action kills the process, and the daemon's handlers (libdispatch signal
/// sources, registered asynchronously) exist only tens of milliseconds after start. Blocking
/// the signals is not enough: once the async `main` first suspends, libdispatch parks the main
/// thread in `sigsuspend` with an empty mask, which delivers any pending signal. So a minimal
/// handler records them instead, and ``replay()`` re-raises them once the real handlers are in
/// place: a SIGTERM sent during start-up then stops the daemon gracefully (exit 0).
public enum StartupSignals {
    public static let signals: [Int32] = [SIGTERM, SIGINT, SIGHUP]

    /// Installs the recording handler. Call first in `main`.
    public static func install() {
        // Touch the global before any handler can run: its lazy initialisation is not
        // async-signal-safe.
        _ = received.load(ordering: .relaxed)
        // Blocked while the handlers go in, so from outside all three are caught at once: none
        // can arrive between the first handler and the last and still find its default action.
        var set = sigset_t()
        sigemptyset(&set)
        for signal in signals { sigaddset(&set, signal) }
        var previous = sigset_t()
        pthread_sigmask(SIG_BLOCK, &set, &previous)
        for signal in signals { Glibc.signal(signal, recordSignal) }
        pthread_sigmask(SIG_SETMASK, &previous, nil)
    }

    /// For commands that are not the daemon: default handling again (Ctrl-C stops `probe` at
    /// once), and a signal that arrived while parsing arguments acts now.
    public static func restoreDefaults() {
        for signal in signals { Glibc.signal(signal, SIG_DFL) }
        replay()
    }

    /// Re-raises every signal recorded so far, once each; call after the real handlers exist.
    public static func replay() {
        let pending = received.exchange(0, ordering: .acquiringAndReleasing)
        for signal in signals where pending & (1 << UInt32(signal)) != 0 { kill(getpid(), signal) }
    }
}

/// Signals seen by the start-up handler, one bit per signal number.
private let received = Atomic<UInt32>(0)

/// Async-signal-safe: one atomic OR.
private func recordSignal(_ signal: Int32) {
    received.bitwiseOr(1 << UInt32(signal), ordering: .relaxed)
}
