import NetwardenProtocols

/// Where packets come from: a live interface or a capture file. The daemon's capture service
/// and `netwarden analyze` drive the same engine through this one loop, so what a file shows in
/// analysis is what the gateway would have logged.
public protocol PacketSource: AnyObject {
    /// The interface or file, for logs and errors.
    var name: String { get }
    /// The link-layer header type every delivered packet has.
    var linkType: LinkType { get }
    /// Counters so far; safe to read from any thread while ``run(until:betweenBatches:_:)`` runs.
    var counters: CaptureCounters { get }

    /// Hands packets to `body` on the calling thread until the input ends (files), `stop` is set
    /// (checked between batches, and at least every stop-check interval for live sources), or
    /// reading fails. Each packet's bytes are valid only during its call.
    ///
    /// `betweenBatches` runs on the same thread after every batch (at most a few thousand
    /// packets, so many times a second on a saturated link) and, for a live source, after every
    /// poll timeout, so at least once per stop-check interval on a silent link.
    /// Periodic work (idle-flow expiry, publishing counters) belongs there rather than in `body`:
    /// in `body` it would stall whenever the link went quiet, which is exactly when flows go
    /// idle and their unanswered names should be reported.
    ///
    /// The stop signal is a flag rather than a closure: any thread (a signal handler's task, a
    /// Service's cancellation) can set it, and checking it is one relaxed atomic load.
    func run(
        until stop: CaptureStopFlag,
        betweenBatches: () -> Void,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError)
}

extension PacketSource {
    /// ``run(until:betweenBatches:_:)`` with nothing to do between batches.
    public func run(until stop: CaptureStopFlag, _ body: (CapturedPacket) -> Void) throws(CaptureError) {
        try run(until: stop, betweenBatches: {}, body)
    }
}
