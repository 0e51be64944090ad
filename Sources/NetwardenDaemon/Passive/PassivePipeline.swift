import NetwardenCore
import NetwardenFiltering
import NetwardenInspection
import NetwardenProtocols

/// Frames in, names and filter events out: the inspection engine followed by the judge.
///
/// The one pipeline behind both live capture and `netwarden analyze`, so a capture file
/// analysed on a laptop gives exactly what the gateway would have reported.
public struct PassivePipeline: ~Copyable {
    public private(set) var engine: InspectionEngine
    public private(set) var judge: FilterJudge?
    /// Reused between packets so judging allocates only when an event is produced.
    private var pending: [FilterEvent] = []
    /// The engine's events for the packet at hand (empty between packets).
    private var collected: [InspectionEvent] = []

    public init(engine: consuming InspectionEngine, judge: FilterJudge?) {
        self.engine = engine
        self.judge = judge
        pending.reserveCapacity(8)
    }

    /// Engine settings from `[capture]`; the flow-hash seed is random per process so sampling
    /// cannot be steered by someone who knows the default.
    public static func inspectionConfiguration(_ capture: CaptureSection) -> InspectionConfiguration {
        var configuration = InspectionConfiguration()
        configuration.maxFlows = capture.maxFlows
        configuration.samplingRate = capture.sampleOneIn
        configuration.hashSeed = UInt64.random(in: 1...UInt64.max)
        return configuration
    }

    /// Processes one frame; `onName` sees every name observation, `onEvent` every filter event.
    ///
    /// The engine's events are collected first and judged after the engine returns: most
    /// packets produce none, an empty array costs nothing, and the judge is never copied (it
    /// holds many references, and copying it per packet was a measurable share of the time).
    public mutating func process(
        frame: UnsafeRawBufferPointer,
        linkType: LinkType,
        time: PacketTime,
        onName: (NameObservation) -> Void,
        onEvent: (FilterEvent) -> Void
    ) {
        // The collecting array is kept between packets (moved out and back, since the engine is
        // part of `self`), so a name-rich capture does not allocate one per name packet.
        var emitted = collected
        collected = []
        engine.process(frame: frame, linkType: linkType, time: time) { emitted.append($0) }
        if !emitted.isEmpty {
            deliver(emitted, onName: onName, onEvent: onEvent)
            emitted.removeAll(keepingCapacity: true)
        }
        collected = emitted
    }

    /// Idle expiry (call about once a second with the newest packet time or the wall clock).
    public mutating func expire(now: PacketTime, onEvent: (FilterEvent) -> Void) {
        var emitted: [InspectionEvent] = []
        engine.expire(now: now) { emitted.append($0) }
        if !emitted.isEmpty { deliver(emitted, onName: { _ in }, onEvent: onEvent) }
    }

    /// Ends every flow (end of a file, or shutdown) so pending names get their outcome.
    public mutating func finish(now: PacketTime, onEvent: (FilterEvent) -> Void) {
        var emitted: [InspectionEvent] = []
        engine.finishAll(now: now) { emitted.append($0) }
        if !emitted.isEmpty { deliver(emitted, onName: { _ in }, onEvent: onEvent) }
    }

    private mutating func deliver(
        _ emitted: [InspectionEvent],
        onName: (NameObservation) -> Void,
        onEvent: (FilterEvent) -> Void
    ) {
        for event in emitted {
            if case .name(let name) = event { onName(name) }
            judge?.judge(event, into: &pending)
        }
        for event in pending { onEvent(event) }
        pending.removeAll(keepingCapacity: true)
    }

    /// The category names `name` falls in (for `analyze` output), empty without lists.
    public static func categories(of name: String, in lists: ReloadableCategoryMatcher) -> [String] {
        let matcher = lists.current
        guard !matcher.categories.isEmpty else { return [] }
        let match = matcher.match(name)
        guard !match.categories.isEmpty else { return [] }
        return matcher.categories.indices.filter { match.categories.contains($0) }.map { matcher.categories[$0].name }
    }
}
