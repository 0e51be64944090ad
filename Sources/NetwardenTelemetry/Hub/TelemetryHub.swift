import NetwardenCore
import Synchronization

/// The one path from every producer (probes, link and Wi-Fi samplers, capture, the daemon's
/// own counters) to every sink (spool, /metrics, local files).
///
/// Producers publish complete snapshots per *scope* (one probe, the link sampler, capture):
/// a publish replaces everything the scope published before, so a series that stops existing
/// (a removed probe, an interface that went away, a failure reason that no longer applies)
/// leaves /metrics at once instead of lingering as a stale value. The hub stamps each publish
/// with its injected wall clock and the current identity, keeps the latest values for
/// /metrics and `netwarden status`, counts what passes through and fans records out to sinks.
public final class TelemetryHub: Sendable {
    private struct ScopeEntry {
        var timestampMilliseconds: Int64
        var observations: [Observation]
    }

    private struct State {
        var identity: AgentIdentity
        var scopes: [String: ScopeEntry] = [:]
        var sinks: [any TelemetrySink] = []
        var collectors: [(scope: String, collect: @Sendable () -> [Observation])] = []
        var samplesPublished = 0
        var eventsPublished: [EventKind: Int] = [:]
        var nextEventNumber: UInt64 = 0
    }

    public let clock: any WallClock
    private let state: Mutex<State>
    /// Prefix for ids the hub assigns, random per process so ids from two runs never collide.
    private let eventIDPrefix: String

    public init(identity: AgentIdentity, clock: any WallClock) {
        self.clock = clock
        state = Mutex(State(identity: identity))
        var generator = SystemRandomNumberGenerator()
        eventIDPrefix = "e-" + Self.hex(generator.next()) + "-"
    }

    /// The identity stamped on what is published from now on.
    public var identity: AgentIdentity { state.withLock { $0.identity } }

    /// A reload changed trust, site or gateway: later publishes carry the new identity, and the
    /// latest values (/metrics) show it at once.
    public func setIdentity(_ identity: AgentIdentity) { state.withLock { $0.identity = identity } }

    public func add(sink: any TelemetrySink) { state.withLock { $0.sinks.append(sink) } }

    /// Adds a producer that is asked for its observations when `collect()` runs (spool and
    /// output counters, the daemon's own totals): for numbers that live in some other object
    /// and are cheap to read.
    public func registerCollector(scope: String, _ collect: @escaping @Sendable () -> [Observation]) {
        state.withLock { $0.collectors.append((scope, collect)) }
    }

    /// Publishes `observations` as the complete current state of `scope`.
    public func publish(scope: String, _ observations: [Observation]) {
        let now = clock.nowMilliseconds()
        let (group, sinks) = state.withLock { state in
            state.scopes[scope] = ScopeEntry(timestampMilliseconds: now, observations: observations)
            state.samplesPublished += observations.count
            return (
                SampleGroup(timestampMilliseconds: now, identity: state.identity, observations: observations),
                state.sinks
            )
        }
        guard !observations.isEmpty else { return }
        let records = [TelemetryRecord.samples(group)]
        for sink in sinks { sink.write(records) }
    }

    /// Removes a scope's series from the latest values (a probe removed by a reload).
    public func retire(scope: String) { _ = state.withLock { $0.scopes.removeValue(forKey: scope) } }

    /// Reports events: the hub adds the identity, and an id and the time where the producer
    /// left them out.
    public func report(_ drafts: [EventDraft]) {
        guard !drafts.isEmpty else { return }
        let now = clock.nowMilliseconds()
        let (events, sinks) = state.withLock { state in
            var events: [TelemetryEvent] = []
            events.reserveCapacity(drafts.count)
            for draft in drafts {
                let id: String
                if let given = draft.id {
                    id = given
                } else {
                    state.nextEventNumber += 1
                    id = eventIDPrefix + String(state.nextEventNumber)
                }
                state.eventsPublished[draft.kind, default: 0] += 1
                events.append(
                    TelemetryEvent(
                        id: id,
                        timestampMilliseconds: draft.timestampMilliseconds ?? now,
                        identity: state.identity,
                        kind: draft.kind,
                        severity: draft.severity,
                        subject: draft.subject,
                        evidence: draft.evidence,
                        attributes: draft.attributes
                    )
                )
            }
            return (events, state.sinks)
        }
        let records = events.map(TelemetryRecord.event)
        for sink in sinks { sink.write(records) }
    }

    public func report(_ draft: EventDraft) { report([draft]) }

    /// Runs every registered collector and publishes its observations under its scope, plus
    /// the hub's own counters. The daemon calls this on a timer, and /metrics before rendering.
    public func collect() {
        let collectors = state.withLock { $0.collectors }
        for (scope, collect) in collectors { publish(scope: scope, collect()) }
        let (published, events) = state.withLock { ($0.samplesPublished, $0.eventsPublished) }
        var own = [Observation(.samplesPublished, Double(published))]
        for (kind, count) in events.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            own.append(Observation(.eventsPublished, Double(count), [Label("kind", kind.rawValue)]))
        }
        publish(scope: "telemetry", own)
    }

    /// Re-reads every collector into the latest values without sending anything to sinks: a
    /// /metrics scrape sees current self-metrics without adding a spool record per scrape.
    public func refreshCollectors() {
        let collectors = state.withLock { $0.collectors }
        let now = clock.nowMilliseconds()
        for (scope, collect) in collectors {
            let observations = collect()
            state.withLock {
                $0.scopes[scope] = ScopeEntry(timestampMilliseconds: now, observations: observations)
            }
        }
    }

    /// The latest value of every series, stamped with the current identity, families in
    /// catalogue order and series in publish order within a family.
    public func latest() -> [Sample] {
        let (identity, scopes) = state.withLock { ($0.identity, $0.scopes) }
        let identityLabels = identity.labels
        var byFamily: [String: [Sample]] = [:]
        for (_, entry) in scopes.sorted(by: { $0.key < $1.key }) {
            for observation in entry.observations {
                byFamily[observation.family.name, default: []].append(
                    Sample(
                        name: observation.family.name,
                        labels: identityLabels + observation.labels,
                        value: observation.value,
                        timestampMilliseconds: entry.timestampMilliseconds
                    )
                )
            }
        }
        var out: [Sample] = []
        for family in MetricFamily.all {
            if let samples = byFamily.removeValue(forKey: family.name) { out += samples }
        }
        for name in byFamily.keys.sorted() { out += byFamily[name]! }
        return out
    }

    /// Every scope whose name starts with `prefix`, with when it last published, sorted by name
    /// (`netwarden status` lists probes from the `probe:` scopes).
    public func scopes(prefix: String) -> [(scope: String, timestampMilliseconds: Int64, observations: [Observation])] {
        state.withLock { state in
            state.scopes.filter { $0.key.hasPrefix(prefix) }.sorted { $0.key < $1.key }.map {
                ($0.key, $0.value.timestampMilliseconds, $0.value.observations)
            }
        }
    }

    /// The latest observations of one scope (for `netwarden status` and tests).
    public func latest(scope: String) -> [Observation] { state.withLock { $0.scopes[scope]?.observations ?? [] } }

    static func hex(_ value: UInt64) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
