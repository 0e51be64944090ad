/// Log levels as technicians name them, with the syslog priority each maps to.
///
/// The daemon's log lines carry `<N>` prefixes under systemd so `journalctl -p warning` filters
/// them; this is the single table that decides N. Kept in core (not tied to swift-log's type) so
/// the config schema can validate the words without depending on a logging library.
public enum LogSeverity: String, CaseIterable, Sendable, Comparable {
    case trace, debug, info, notice, warning, error, critical

    /// syslog(3) priority: 7 debug ... 2 critical. trace and debug both map to 7: syslog has
    /// nothing finer.
    public var syslogPriority: Int {
        switch self {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    private var rank: Int { Self.allCases.firstIndex(of: self)! }

    public static func < (lhs: LogSeverity, rhs: LogSeverity) -> Bool { lhs.rank < rhs.rank }
}
