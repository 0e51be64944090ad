import NetwardenCapture
import NetwardenFiltering
import NetwardenInspection
import NetwardenProtocols
import NetwardenTelemetry
import Synchronization

/// What capture workers hand to the async side, under one lock: events, counters, warnings and
/// each interface's state.
///
/// Interface state is kept as a state, not as a list of failures, so the supervisor logs one
/// line per change (down, up again, down for another reason) however often a worker retries.
final class CaptureShared: Sendable {
    /// Whether an interface is capturing, and why not.
    enum InterfaceState: Sendable, Equatable {
        /// Not opened yet.
        case starting
        case up
        case down(reason: String)
    }

    /// One change of an interface's state, for the log.
    struct Transition: Sendable, Equatable {
        var interface: String
        var state: InterfaceState
    }

    struct PerInterface: Sendable {
        var capture = CaptureCounters.Snapshot()
        var engine = InspectionStatistics()
        var judge = FilterCounters()
        var state = InterfaceState.starting
        var openFailures = 0
        /// When the capture thread last handed over counters (it does once a second while up).
        var lastPublished: ContinuousClock.Instant?
    }

    private struct State {
        var events: [FilterEvent] = []
        var warnings: [String] = []
        var transitions: [Transition] = []
        var perInterface: [String: PerInterface] = [:]
    }

    let interfaces: [String]
    private let state: Mutex<State>

    init(interfaces: [String]) {
        self.interfaces = interfaces
        var initial = State()
        for interface in interfaces { initial.perInterface[interface] = PerInterface() }
        state = Mutex(initial)
    }

    func note(warning: String) { state.withLock { $0.warnings.append(warning) } }

    /// The interface opened and is capturing.
    func markUp(_ interface: String) {
        state.withLock { state in
            state.perInterface[interface, default: PerInterface()].lastPublished = .now
            Self.move(&state, interface, to: .up)
        }
    }

    /// Opening failed (`opening`) or a running capture stopped with an error.
    func markDown(_ interface: String, reason: String, opening: Bool) {
        state.withLock { state in
            if opening { state.perInterface[interface, default: PerInterface()].openFailures += 1 }
            Self.move(&state, interface, to: .down(reason: reason))
        }
    }

    private static func move(_ state: inout State, _ interface: String, to new: InterfaceState) {
        guard state.perInterface[interface, default: PerInterface()].state != new else { return }
        state.perInterface[interface, default: PerInterface()].state = new
        state.transitions.append(Transition(interface: interface, state: new))
    }

    func publish(
        interface: String,
        capture: CaptureCounters.Snapshot,
        engine: InspectionStatistics,
        judge: FilterCounters?,
        events: inout [FilterEvent]
    ) {
        let handed = events
        events.removeAll(keepingCapacity: true)
        state.withLock { state in
            state.events += handed
            var entry = state.perInterface[interface, default: PerInterface()]
            entry.capture = capture
            entry.engine = engine
            entry.judge = judge ?? FilterCounters()
            entry.lastPublished = .now
            state.perInterface[interface] = entry
        }
    }

    func drain() -> (events: [FilterEvent], warnings: [String], transitions: [Transition]) {
        state.withLock { state in
            defer {
                state.events.removeAll()
                state.warnings.removeAll()
                state.transitions.removeAll()
            }
            return (state.events, state.warnings, state.transitions)
        }
    }

    /// Interfaces capturing now.
    var upCount: Int { state.withLock { $0.perInterface.values.count { $0.state == .up } } }

    /// Interfaces that are up but whose thread has not handed over counters within `allowance`:
    /// a capture loop that is wedged rather than failed.
    func silentInterfaces(allowance: Duration, now: ContinuousClock.Instant = .now) -> [String] {
        state.withLock { state in
            state.perInterface.compactMap { name, entry in
                guard entry.state == .up, let last = entry.lastPublished else { return nil }
                return now - last > allowance ? name : nil
            }.sorted()
        }
    }

    /// Capture and engine counters per interface, judge counters per interface too (labels).
    func observations() -> [Observation] {
        let snapshot = state.withLock { $0.perInterface }
        var out: [Observation] = []
        for (interface, counters) in snapshot.sorted(by: { $0.key < $1.key }) {
            var list = ObservationList(common: [Label("interface", interface)])
            list.add(.captureInterfaceUp, counters.state == .up ? 1 : 0)
            list.add(.captureOpenFailures, counters.openFailures)
            let capture = counters.capture.statistics
            list.add(.capturePackets, Double(counters.capture.delivered))
            list.add(.captureKernelDrops, Double(capture.droppedByKernel))
            list.add(.captureInterfaceDrops, Double(capture.droppedByInterface))
            list.add(.captureTruncated, Double(counters.capture.truncated))
            let engine = counters.engine
            list.add(.inspectionFlowsActive, engine.flowsActive)
            list.add(.inspectionFlowsEvicted, engine.flowsEvictedCapacity, [Label("reason", "capacity")])
            list.add(.inspectionFlowsEvicted, engine.flowsEvictedIdle, [Label("reason", "idle")])
            list.add(.inspectionUndecodable, engine.decodeFailures.total)
            // Fragments: a flood of them, or overlaps (an evasion trick), shows up here.
            list.add(.inspectionFragments, engine.fragmentsHeld)
            list.add(.inspectionReassembled, engine.datagramsReassembled)
            for reason in IPReassembler.DropReason.allCases {
                list.add(
                    .inspectionFragmentDrops,
                    engine.fragmentDropsByReason[reason, default: 0],
                    [Label("reason", reason.name)]
                )
            }
            for (proto, count) in [
                ("dns", engine.malformedDNS), ("tls", engine.malformedTLS), ("quic", engine.malformedQUIC),
                ("http", engine.malformedHTTP),
            ] {
                list.add(.inspectionMalformed, count, [Label("proto", proto)])
            }
            list.append(contentsOf: counters.judge.observations(common: list.common))
            out += list.items
        }
        return out
    }
}
