/// Splits libcurl's cumulative timers into blackbox_exporter's HTTP phases.
///
/// curl reports each timer as "seconds from the start of the request until X" (summed over
/// redirect hops). blackbox_exporter's phases are the gaps between those points: resolve,
/// connect, tls, processing (request sent to first byte) and transfer (first byte to end).
/// Timers can be zero (no TLS) or slightly out of order (connection reuse, clock granularity),
/// so each boundary is clamped to be at least the previous one: phases are never negative and
/// always sum exactly to the total.
public struct HTTPPhaseTimings: Sendable, Equatable {
    public var resolve: Double
    public var connect: Double
    public var tls: Double
    public var processing: Double
    public var transfer: Double

    public var total: Double { resolve + connect + tls + processing + transfer }

    /// Phase names as the `phase` label carries them, with values, in order.
    public var labelled: [(phase: String, seconds: Double)] {
        [("resolve", resolve), ("connect", connect), ("tls", tls), ("processing", processing), ("transfer", transfer)]
    }

    /// From curl's timers in seconds: NAMELOOKUP, CONNECT, APPCONNECT (0 without TLS),
    /// STARTTRANSFER and TOTAL.
    public init(nameLookup: Double, connect: Double, appConnect: Double, startTransfer: Double, total: Double) {
        let b1 = max(0, nameLookup)
        let b2 = max(b1, connect)
        let b3 = appConnect > 0 ? max(b2, appConnect) : b2
        let b4 = max(b3, startTransfer)
        let b5 = max(b4, total)
        resolve = b1
        self.connect = b2 - b1
        tls = b3 - b2
        processing = b4 - b3
        transfer = b5 - b4
    }
}
