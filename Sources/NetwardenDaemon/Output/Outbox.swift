import FoundationEssentials
import Logging
import NetwardenCore
import NetwardenPlatform
import Synchronization

/// The local outbox: samples the daemon produced, as JSON lines under the state directory.
///
/// Until the collector uplink exists this is where output goes, and a technician can read it
/// with `tail -f /var/lib/netwarden/outbox/samples.jsonl`. Files rotate at `maxFileBytes`
/// keeping `keepFiles` old ones, so a gateway left alone for months cannot fill its disk. A write
/// failure (disk full, directory removed) is counted and reported, never fatal: the next write
/// retries opening the file.
public final class Outbox: Sendable {
    public static let fileName = "samples.jsonl"
    /// Filter events (leaks, blocked attempts, bypass) go to their own file.
    public static let eventsFileName = "events.jsonl"

    private struct State {
        var directory: String
        var handle: AppendOnlyFile?
        var size: UInt64 = 0
    }

    private let state: Mutex<State>
    private let maxFileBytes: UInt64
    private let keepFiles: Int
    private let fileName: String

    public init(
        directory: String,
        fileName: String = Outbox.fileName,
        maxFileBytes: UInt64 = 16 << 20,
        keepFiles: Int = 3
    ) {
        state = Mutex(State(directory: directory))
        self.fileName = fileName
        self.maxFileBytes = maxFileBytes
        self.keepFiles = keepFiles
    }

    /// Path of the file being written now.
    public var currentPath: String { state.withLock { $0.directory + "/" + fileName } }

    /// Points the outbox at a new directory (a reload changed `state_directory`).
    public func move(to directory: String) {
        state.withLock { state in
            guard state.directory != directory else { return }
            state = State(directory: directory)
        }
    }

    /// Appends samples as one write; throws `OutboxError` if nothing could be written.
    public func append(_ samples: [MetricSample]) throws(OutboxError) {
        try append(lines: samples.map(\.jsonLine))
    }

    /// Appends already-encoded JSON lines (filter events).
    public func append(lines: [String]) throws(OutboxError) {
        guard !lines.isEmpty else { return }
        var text = ""
        for line in lines {
            text += line
            text += "\n"
        }
        let data = Array(text.utf8)
        try state.withLock { state throws(OutboxError) in
            if state.handle == nil || state.size + UInt64(data.count) > maxFileBytes {
                try open(&state, rotate: state.handle != nil)
            }
            do {
                try state.handle!.write(data)
                state.size += UInt64(data.count)
            } catch {
                state.handle = nil
                throw OutboxError(path: state.directory + "/" + fileName, reason: "\(error)")
            }
        }
    }

    public func close() {
        state.withLock { $0.handle = nil }
    }

    private func open(_ state: inout State, rotate: Bool) throws(OutboxError) {
        let manager = FileManager.default
        let path = state.directory + "/" + fileName
        state.handle = nil
        do {
            try manager.createDirectory(
                atPath: state.directory,
                withIntermediateDirectories: true,
                attributes: [.posixPermissions: 0o750]
            )
            if rotate || (fileSize(path) ?? 0) >= maxFileBytes {
                // samples.jsonl.2 -> .3, .1 -> .2, current -> .1; the oldest falls off.
                try? manager.removeItem(atPath: "\(path).\(keepFiles)")
                if keepFiles > 1 {
                    for index in stride(from: keepFiles - 1, through: 1, by: -1) {
                        try? manager.moveItem(atPath: "\(path).\(index)", toPath: "\(path).\(index + 1)")
                    }
                }
                try? manager.moveItem(atPath: path, toPath: "\(path).1")
            }
            let handle = try AppendOnlyFile(path: path)
            state.size = try handle.size()
            state.handle = handle
        } catch let error as OutboxError {
            throw error
        } catch {
            throw OutboxError(path: path, reason: "\(error)")
        }
    }

    private func fileSize(_ path: String) -> UInt64? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? UInt64
    }
}

/// Why the outbox could not take samples.
public struct OutboxError: Error, CustomStringConvertible {
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
