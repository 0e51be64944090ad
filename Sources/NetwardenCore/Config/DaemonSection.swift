/// `[daemon]`: how the netwarden process itself runs.
public struct DaemonSection: ConfigSection {
    public static let name = "daemon"

    /// Log levels as the file spells them, least to most severe; `LogSeverity` also maps each
    /// to its `<N>` syslog priority.
    public typealias LogLevel = LogSeverity

    /// Where the spool, outbox and other state live; an absolute path.
    public var stateDirectory: String
    public var logLevel: LogLevel
    /// How often the one-line STATUS summary (systemd status, `netwarden status`) refreshes.
    public var statusInterval: Duration
    /// The Unix socket `netwarden status` reads; "" turns it off.
    public var statusSocket: String

    public init(
        stateDirectory: String = "/var/lib/netwarden",
        logLevel: LogLevel = .info,
        statusInterval: Duration = .seconds(30),
        statusSocket: String = "/run/netwarden/status.sock"
    ) {
        self.statusSocket = statusSocket
        self.stateDirectory = stateDirectory
        self.logLevel = logLevel
        self.statusInterval = statusInterval
    }

    public static let defaults = DaemonSection()

    static let absolutePath = ConfigValueType<String>.string.checked { path in
        if !path.hasPrefix("/") {
            return "`\(path)` is a relative path; expected an absolute path such as /var/lib/netwarden"
        }
        if let bad = path.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "the path contains \(ConfigLabel.describe(bad)); expected a plain absolute path"
        }
        return nil
    }

    /// An absolute path, or "" for no status socket.
    static let socketPath = ConfigValueType<String>.string.checked { path in
        if path.isEmpty { return nil }
        if !path.hasPrefix("/") {
            return
                "`\(path)` is a relative path; expected an absolute path such as /run/netwarden/status.sock, or \"\" to turn the socket off"
        }
        if path.utf8.count > 107 { return "the path is longer than a Unix socket allows (107 bytes)" }
        return nil
    }

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        stateDirectory = reader.value("state_directory", Self.absolutePath, default: defaults.stateDirectory)
        logLevel = reader.word("log_level", default: defaults.logLevel)
        statusInterval = reader.seconds("status_interval_seconds", range: 1...3600, default: defaults.statusInterval)
        statusSocket = reader.value("status_socket", Self.socketPath, default: defaults.statusSocket)
    }
}
