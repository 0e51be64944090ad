import Glibc
import Logging
import NetwardenCore

/// swift-log handler that prints one logfmt line per event (see `LogLine`).
///
/// Only `main` bootstraps it; libraries and services take a `Logger`. The level lives in the
/// shared `LogContext` so a reload changes it for every existing logger at once.
public struct NetwardenLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let context: LogContext
    private let output: LogOutput

    public init(label: String, context: LogContext, output: LogOutput) {
        self.label = label
        self.context = context
        self.output = output
    }

    /// The level comes from the shared context; setting it on one logger would silently diverge
    /// from the configured level, so the setter changes the shared level (used only by tests).
    public var logLevel: Logger.Level {
        get { context.level.swiftLogLevel }
        set { context.level = LogSeverity(newValue) }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let eventMetadata = event.metadata { merged.merge(eventMetadata) { _, new in new } }
        if let error = event.error, merged["error"] == nil { merged["error"] = "\(error)" }
        var fields: [(key: String, value: String)] = [("site", context.site)]
        for (key, value) in merged where key != "site" {
            fields.append((key, Self.render(value)))
        }
        let severity = LogSeverity(event.level)
        let prefix = output.usesJournalPrefix ? "<\(severity.syslogPriority)>" : Self.timestamp() + " "
        output.write(LogLine.format(prefix: prefix, severity: severity, message: "\(event.message)", fields: fields))
    }

    private static func render(_ value: Logger.Metadata.Value) -> String {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let values): values.map(render).joined(separator: ",")
        case .dictionary(let dictionary):
            dictionary.sorted { $0.key < $1.key }.map { "\($0.key):\(render($0.value))" }.joined(separator: ",")
        }
    }

    /// RFC 3339 UTC with milliseconds, from the wall clock: a log timestamp is for humans
    /// correlating with other logs, not for measuring durations.
    static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = now.tv_sec
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + "\(pad(Int32(now.tv_nsec / 1_000_000), 3))Z"
    }
}

extension LogSeverity {
    init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .notice
        case .warning: self = .warning
        case .error: self = .error
        case .critical: self = .critical
        }
    }

    var swiftLogLevel: Logger.Level {
        switch self {
        case .trace: .trace
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        case .critical: .critical
        }
    }
}
