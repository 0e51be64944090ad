import Synchronization

/// Tracks that each long-lived part of the daemon is still making progress.
///
/// The systemd watchdog is only worth having if `WATCHDOG=1` means "the daemon works", not "a
/// timer fired": each service beats after each unit of real work (a sample written, a probe
/// round finished) and declares how long it may stay silent. The notify service sends
/// `WATCHDOG=1` only while every registered part is fresh, so a wedged sampler gets the daemon
/// restarted by systemd. The first beat of every part also gates `READY=1`.
public final class LivenessMonitor: Sendable {
    private struct Part {
        var maxSilence: Duration
        var lastBeat: ContinuousClock.Instant?
        var gatesReadiness: Bool
    }

    private let parts = Mutex<[String: Part]>([:])

    public init() {}

    /// Declares a part. Re-registering (after a reload changed its interval) keeps its last beat.
    /// Parts whose first unit of work may legitimately take long (a probe against a dead target
    /// waits out its timeout) pass `gatesReadiness: false`: READY=1 does not wait for them, but
    /// the watchdog still does.
    public func register(_ name: String, maxSilence: Duration, gatesReadiness: Bool = true) {
        parts.withLock { parts in
            parts[name, default: Part(maxSilence: maxSilence, lastBeat: nil, gatesReadiness: gatesReadiness)]
                .maxSilence = maxSilence
        }
    }

    public func unregister(_ name: String) {
        _ = parts.withLock { $0.removeValue(forKey: name) }
    }

    public func beat(_ name: String, at instant: ContinuousClock.Instant = .now) {
        parts.withLock { $0[name]?.lastBeat = instant }
    }

    /// True once every registered part that gates readiness has beaten at least once.
    public var allStarted: Bool {
        parts.withLock { $0.values.allSatisfy { $0.lastBeat != nil || !$0.gatesReadiness } }
    }

    /// Parts that have not beaten within their allowance, sorted; empty means healthy.
    /// A part that has never beaten counts as stale only after its allowance from `since`.
    public func staleParts(now: ContinuousClock.Instant = .now, since start: ContinuousClock.Instant) -> [String] {
        parts.withLock { parts in
            parts.compactMap { name, part in
                let reference = part.lastBeat ?? start
                return now - reference > part.maxSilence ? name : nil
            }.sorted()
        }
    }
}
