import NetwardenCore
import Synchronization

/// The parts of logging that a reload may change while loggers already exist: the level and the
/// site name printed on every line.
///
/// swift-log copies a handler into every `Logger`, so a level stored in the handler could not be
/// changed by SIGHUP; every handler copy points at this one shared object instead.
public final class LogContext: Sendable {
    private struct State {
        var level: LogSeverity
        var site: String
    }

    private let state: Mutex<State>

    public init(level: LogSeverity, site: String) {
        state = Mutex(State(level: level, site: site))
    }

    public var level: LogSeverity {
        get { state.withLock { $0.level } }
        set { state.withLock { $0.level = newValue } }
    }

    public var site: String {
        get { state.withLock { $0.site } }
        set { state.withLock { $0.site = newValue } }
    }
}
