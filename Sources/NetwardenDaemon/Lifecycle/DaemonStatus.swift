import Synchronization

/// Running totals the daemon reports in its one-line `STATUS=` summary (and, later, the status
/// socket). Services update it; the notify service reads it.
public final class DaemonStatus: Sendable {
    /// One consistent copy of the totals.
    public struct Snapshot: Sendable, Equatable {
        public var site = ""
        public var linksWatched = 0
        public var linksUp = 0
        public var uplinkSummary = "no uplink"
        public var samplesPublished = 0
        public var probesConfigured = 0
        public var probesFailing = 0
        /// Spooled records no output has delivered yet (the largest backlog of any output).
        public var deliveryBacklog = 0
        public var outputsFailing = 0
        /// Interfaces capture is configured on, and how many of them are capturing now.
        public var captureInterfaces = 0
        public var captureInterfacesUp = 0
        public var reloads = 0
        /// Reloads rejected in a row (reset by a good one), for the summary.
        public var failedReloads = 0
        /// Reloads rejected since start, for the counter.
        public var rejectedReloads = 0

        public init() {}

        /// The single line systemd shows in `systemctl status` (no newlines allowed).
        public var summary: String {
            var text = "site \(site): \(linksUp)/\(linksWatched) links up, \(uplinkSummary)"
            if probesConfigured > 0 { text += ", \(probesConfigured - probesFailing)/\(probesConfigured) probes ok" }
            if captureInterfaces > 0 { text += ", capture \(captureInterfacesUp)/\(captureInterfaces) interfaces up" }
            text += ", \(samplesPublished) samples"
            if deliveryBacklog > 0 { text += ", \(deliveryBacklog) records waiting" }
            if outputsFailing > 0 { text += ", \(outputsFailing) outputs failing" }
            if failedReloads > 0 { text += ", last reload rejected" }
            return text
        }
    }

    private let state = Mutex(Snapshot())

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }

    public func update(_ body: (inout Snapshot) -> Void) { state.withLock { body(&$0) } }
}
