import Glibc
import NetwardenCore
import Synchronization

/// Where formatted log lines go: standard error (the journal, under systemd) or memory (tests).
public enum LogOutput: Sendable {
    /// fd 2 through a bounded, non-blocking writer (see ``BoundedLogWriter``).
    case standardError(BoundedLogWriter)
    /// Keep lines in memory; tests read them back.
    case memory(LogRecorder)

    /// Chooses the prefix style the way systemd documents it: `$JOURNAL_STREAM` is set (to
    /// "device:inode") when stderr is connected to the journal; compare with our fd 2 so a child
    /// that inherited the variable but writes elsewhere still gets timestamps.
    public static func detect(environment: [String: String]) -> LogOutput {
        .standardError(BoundedLogWriter(journald: isJournal(environment: environment)))
    }

    static func isJournal(environment: [String: String]) -> Bool {
        guard let stream = environment["JOURNAL_STREAM"] else { return false }
        let parts = stream.split(separator: ":")
        var info = stat()
        guard parts.count == 2, fstat(2, &info) == 0,
            let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return false }
        return UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode
    }

    func write(_ line: String) {
        switch self {
        case .standardError(let writer): writer.append(line)
        case .memory(let recorder): recorder.append(line)
        }
    }

    /// Lines dropped because the output could not keep up (0 for memory).
    public var droppedLines: Int {
        if case .standardError(let writer) = self { return writer.dropped }
        return 0
    }

    /// Waits (at most `timeout`) for queued lines to reach the output: for the last lines before
    /// the process exits.
    public func flush(timeout: Duration) {
        if case .standardError(let writer) = self { writer.flush(timeout: timeout) }
    }

    var usesJournalPrefix: Bool {
        if case .standardError(let writer) = self { return writer.journald }
        return false
    }
}

/// In-memory log sink for tests (swift-log's "testing logging" practice).
public final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    public init() {}

    public func append(_ line: String) { lines.withLock { $0.append(line) } }

    public var all: [String] { lines.withLock { $0 } }
}
