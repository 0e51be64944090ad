import NetwardenCore
import NetwardenInspection

/// Totals since start, exported as Prometheus counters (the daemon maps them to families). They count every occurrence, including
/// the ones debouncing kept out of the event stream.
public struct FilterCounters: Sendable, Equatable {
    /// Leaks by category and method.
    public internal(set) var leaks: [String: [LeakMethod: Int]] = [:]
    public internal(set) var blocked: [String: Int] = [:]
    public internal(set) var bypasses: [FilterEventKind: Int] = [:]
    public internal(set) var names: [NameProtocol: Int] = [:]
    /// Names seen in each category, whatever its policy.
    public internal(set) var categoryNames: [String: Int] = [:]

    public init() {}
}
