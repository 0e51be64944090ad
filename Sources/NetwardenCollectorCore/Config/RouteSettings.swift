import NetwardenCore

/// One `[[route]]` block: which alerts go to which receiver, and how they are batched
/// (Alertmanager's grouping: `group_wait` before the first notification of a group,
/// `group_interval` between updates, `repeat_interval` before the same firing alerts are sent
/// again). Routes are tried in file order; the first that matches takes the alert unless it
/// says `continue = true`.
public struct RouteSettings: Sendable, Equatable {
    public var receiver: String
    /// Label equality matchers (`severity`, `alertname`, `trust`, `site`, a series label);
    /// empty matches everything.
    public var match: [String: String]
    /// The labels that make a group; the default is per school.
    public var groupBy: [String]
    public var groupWait: Duration
    public var groupInterval: Duration
    public var repeatInterval: Duration
    public var continueMatching: Bool

    public static let defaultGroupBy = ["trust", "site"]

    public init(
        receiver: String,
        match: [String: String] = [:],
        groupBy: [String] = RouteSettings.defaultGroupBy,
        groupWait: Duration = .seconds(30),
        groupInterval: Duration = .seconds(300),
        repeatInterval: Duration = .seconds(14_400),
        continueMatching: Bool = false
    ) {
        self.receiver = receiver
        self.match = match
        self.groupBy = groupBy
        self.groupWait = groupWait
        self.groupInterval = groupInterval
        self.repeatInterval = repeatInterval
        self.continueMatching = continueMatching
    }

    /// Whether the route takes an alert with these labels.
    public func matches(_ labels: [String: String]) -> Bool {
        match.allSatisfy { labels[$0.key] == $0.value }
    }

    init(from block: ConfigTableReader) {
        receiver = block.required("receiver", .string, placeholder: "", example: "\"it-team\"")
        var match: [String: String] = [:]
        let matchTable = block.table("match")
        for key in matchTable.table.keys {
            if let value = matchTable.optional(key, .string) { match[key] = value }
        }
        matchTable.finish()
        self.match = match
        groupBy = block.strings("group_by", default: Self.defaultGroupBy)
        // Fractions of a second are allowed so tests (and labs) can run a whole cycle quickly.
        groupWait = block.seconds("group_wait_seconds", range: 0...86_400, default: .seconds(30))
        groupInterval = block.seconds("group_interval_seconds", range: 0.1...86_400, default: .seconds(300))
        repeatInterval = block.seconds("repeat_interval_seconds", range: 1...2_592_000, default: .seconds(14_400))
        continueMatching = block.bool("continue", default: false)
        if repeatInterval < groupInterval {
            block.report(
                key: "repeat_interval_seconds",
                "shorter than group_interval_seconds; expected repeat_interval_seconds >= group_interval_seconds"
            )
        }
    }
}
