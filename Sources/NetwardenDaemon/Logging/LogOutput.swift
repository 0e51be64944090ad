import Glibc
import NetwardenCore
import Synchronization

/// Where formatted log lines go: standard error (the journal, under systemd) or memory (tests).
public enum LogOutput: Sendable {
    /// Write to fd 2. `journald` selects `<N>` priority prefixes instead of timestamps.
    case standardError(journald: Bool)
    /// Keep lines in memory; tests read them back.
    case memory(LogRecorder)

    /// Chooses the prefix style the way systemd documents it: `$JOURNAL_STREAM` is set (to
    /// "device:inode") when stderr is connected to the journal; compare with our fd 2 so a child
    /// that inherited the variable but writes elsewhere still gets timestamps.
    public static func detect(environment: [String: String]) -> LogOutput {
        guard let stream = environment["JOURNAL_STREAM"] else { return .standardError(journald: false) }
        let parts = stream.split(separator: ":")
        var info = stat()
        guard parts.count == 2, fstat(2, &info) == 0,
            let device = UInt64(parts[0]), let inode = UInt64(parts[1])
        else { return .standardError(journald: false) }
        return .standardError(journald: UInt64(info.st_dev) == device && UInt64(info.st_ino) == inode)
    }

    func write(_ line: String) {
        switch self {
        case .standardError:
            var bytes = Array(line.utf8)
            bytes.append(UInt8(ascii: "\n"))
            // One write(2) per line keeps lines whole when several threads log at once.
            bytes.withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(2, raw.baseAddress! + offset, raw.count - offset)
                    if written < 0 {
                        if errno == EINTR { continue }
                        return  // stderr gone (closed pipe): nothing sensible left to do with a log line
                    }
                    offset += written
                }
            }
        case .memory(let recorder):
            recorder.append(line)
        }
    }

    var usesJournalPrefix: Bool {
        if case .standardError(journald: true) = self { return true }
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
