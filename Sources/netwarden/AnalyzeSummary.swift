import NetwardenCore
import NetwardenFiltering
import NetwardenInspection
import NetwardenProtocols

/// Totals for the readable `analyze` summary.
struct AnalyzeSummary {
    var packets = 0
    var unreadableFiles = 0
    var names: [NameProtocol: Int] = [:]
    var distinctNames: Set<String> = []
    var events: [FilterEventKind: Int] = [:]
    var leaks: [String: Int] = [:]
    var blocked: [String: Int] = [:]
    var examples: [String] = []

    mutating func record(_ name: NameObservation) {
        names[name.proto, default: 0] += 1
        if distinctNames.count < 1_000_000 { distinctNames.insert(name.name) }
    }

    mutating func record(_ event: FilterEvent) {
        events[event.kind, default: 0] += 1
        let category = event.category ?? "-"
        if event.kind == .leak { leaks[category, default: 0] += 1 }
        if event.kind == .blocked { blocked[category, default: 0] += 1 }
        if event.kind != .blocked && examples.count < 20 {
            examples.append("  \(event.kind.rawValue) \(event.subject) (\(event.evidence))")
        }
    }

    func report(statistics: InspectionStatistics, counters: FilterCounters?) -> [String] {
        var lines: [String] = []
        lines.append("packets: \(packets)")
        let byProto = NameProtocol.allCasesInOrder.map { "\($0.rawValue) \(names[$0] ?? 0)" }.joined(separator: ", ")
        lines.append("names: \(names.values.reduce(0, +)) (\(byProto)); \(distinctNames.count) distinct")
        if let counters, !counters.categoryNames.isEmpty {
            lines.append("names per category:")
            for (category, count) in counters.categoryNames.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(category): \(count)")
            }
        }
        lines.append("leaks: \(leaks.values.reduce(0, +))" + Self.breakdown(leaks))
        lines.append("blocked attempts: \(blocked.values.reduce(0, +))" + Self.breakdown(blocked))
        let bypass = events.filter { $0.key.rawValue.hasPrefix("bypass_") }
        lines.append(
            "bypass: \(bypass.values.reduce(0, +))"
                + Self.breakdown(Dictionary(uniqueKeysWithValues: bypass.map { ($0.key.rawValue, $0.value) }))
        )
        if !examples.isEmpty {
            lines.append("events (first \(examples.count)):")
            lines += examples
        }
        lines.append(
            "flows: \(statistics.flowsCreated) created, \(statistics.flowsEvictedCapacity) evicted at the cap, "
                + "\(statistics.sampledOutPackets) packets sampled out"
        )
        lines.append(
            "undecodable packets: \(statistics.decodeFailures.total); malformed: DNS \(statistics.malformedDNS), "
                + "TLS \(statistics.malformedTLS), QUIC \(statistics.malformedQUIC), HTTP \(statistics.malformedHTTP); "
                + "QUIC undecryptable \(statistics.quicUndecryptable); reassembly drops \(statistics.reassemblyDrops)"
        )
        if statistics.fragmentsHeld > 0 || statistics.fragmentDrops > 0 {
            let drops = statistics.fragmentDropsByReason.sorted { $0.key.name < $1.key.name }
                .map { "\($0.key.name) \($0.value)" }.joined(separator: ", ")
            lines.append(
                "IP fragments: \(statistics.fragmentsHeld) held, \(statistics.datagramsReassembled) datagrams "
                    + "reassembled, \(statistics.fragmentDrops) dropped" + (drops.isEmpty ? "" : " (\(drops))")
            )
        }
        return lines
    }

    private static func breakdown(_ counts: [String: Int]) -> String {
        guard !counts.isEmpty else { return "" }
        return " (" + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")"
    }
}

extension NameProtocol {
    static let allCasesInOrder: [NameProtocol] = [.dns, .tls, .quic, .http]
}
