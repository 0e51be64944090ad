import Foundation
import Glibc
import Synchronization

/// The real `netwarden` binary running as a child process, for tests of signals, exit codes,
/// logs and the notify protocol: the things only the whole process can show.
///
/// stderr is collected line by line so tests can `await` a log line instead of sleeping. The
/// child is killed (SIGKILL) in `deinit` if a test forgets or fails before stopping it, so a
/// failing test never leaves a daemon behind.
public final class DaemonUnderTest: @unchecked Sendable {
    // @unchecked: `process` is only mutated in init; the line buffer is behind a Mutex.

    /// Where `swift build` put the binary: next to the test bundle that is running now.
    public static var binaryPath: String {
        let executable =
            (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
        var directory = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // The test binary sits inside `netwardenPackageTests.xctest/` on some toolchains.
        if directory.lastPathComponent.hasSuffix(".xctest") { directory.deleteLastPathComponent() }
        return directory.appendingPathComponent("netwarden").path
    }

    public static var isBuilt: Bool { FileManager.default.isExecutableFile(atPath: binaryPath) }

    public let process: Process
    private let lines = LineBuffer()
    private let stdoutLines = LineBuffer()
    private let stderrPipe = Pipe()
    private let stdoutPipe = Pipe()

    /// Starts `netwarden ARGUMENTS` with exactly `environment` (plus PATH), optionally wrapped in
    /// a launcher such as `ip netns exec NS`.
    /// `journalStream` sets `$JOURNAL_STREAM` to the stderr pipe's device:inode, exactly as
    /// systemd does when stderr is connected to the journal.
    /// `stalledStandardError` makes stderr a full pipe nobody reads (a stalled journal): every
    /// write the child makes to it would block; `logLines` stays empty.
    public init(
        arguments: [String],
        environment: [String: String] = [:],
        launcher: [String] = [],
        journalStream: Bool = false,
        stalledStandardError: Bool = false
    ) throws {
        process = Process()
        if launcher.isEmpty {
            process.executableURL = URL(fileURLWithPath: Self.binaryPath)
            process.arguments = arguments
        } else {
            process.executableURL = URL(fileURLWithPath: launcher[0])
            process.arguments = Array(launcher.dropFirst()) + [Self.binaryPath] + arguments
        }
        var env = environment
        if journalStream {
            var info = stat()
            fstat(stderrPipe.fileHandleForWriting.fileDescriptor, &info)
            env["JOURNAL_STREAM"] = "\(info.st_dev):\(info.st_ino)"
        }
        env["PATH"] = env["PATH"] ?? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        process.environment = env
        process.standardError = stderrPipe
        process.standardOutput = stdoutPipe
        process.standardInput = FileHandle.nullDevice
        if stalledStandardError {
            Self.fill(stderrPipe)
        } else {
            Self.collect(stderrPipe, into: lines)
        }
        Self.collect(stdoutPipe, into: stdoutLines)
        try process.run()
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }

    /// Writes into `pipe` until it is full. Non-blocking only while filling: the flag lives on
    /// the open file description the child inherits, and the child must see a blocking pipe.
    private static func fill(_ pipe: Pipe) {
        let descriptor = pipe.fileHandleForWriting.fileDescriptor
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        while chunk.withUnsafeBytes({ Glibc.write(descriptor, $0.baseAddress, $0.count) }) > 0 {}
        _ = fcntl(descriptor, F_SETFL, flags)
    }

    private static func collect(_ pipe: Pipe, into sink: LineBuffer) {
        pipe.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
                sink.finish()
                return
            }
            sink.feed(data)
        }
    }

    public var pid: pid_t { process.processIdentifier }

    /// Every stderr (log) line so far.
    public var logLines: [String] { lines.lines }
    public var outputLines: [String] { stdoutLines.lines }

    public func signal(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for a log line containing `text` (after skipping the first `after` lines).
    @discardableResult
    public func waitForLog(
        containing text: String,
        after: Int = 0,
        timeout: Duration = .seconds(20)
    ) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = logLines.dropFirst(after).first(where: { $0.contains(text) }) { return line }
            if !process.isRunning {
                // Let the reader reach the end of the pipe before deciding the line never came.
                let drained = ContinuousClock.now + .seconds(5)
                while !lines.isFinished && ContinuousClock.now < drained {
                    try await Task.sleep(for: .milliseconds(10))
                }
                if let line = logLines.dropFirst(after).first(where: { $0.contains(text) }) { return line }
                throw DaemonTestError(
                    "daemon exited (status \(process.terminationStatus)) before logging '\(text)'",
                    log: logLines
                )
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw DaemonTestError("no log line containing '\(text)' within \(timeout)", log: logLines)
    }

    /// Waits for the process to exit; returns its status and how long the wait took. Kills it and
    /// throws if it outlives `timeout`.
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> (status: Int32, waited: Duration) {
        let start = ContinuousClock.now
        while process.isRunning {
            if ContinuousClock.now - start > timeout {
                kill(process.processIdentifier, SIGKILL)
                throw DaemonTestError("daemon still running \(timeout) after being asked to stop", log: logLines)
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        process.waitUntilExit()
        // Read the pipes to their end, so a test sees every line the daemon wrote before exiting
        // (a loaded machine can take a while to run the readers); bounded in case a child of the
        // daemon still holds a pipe open.
        let drained = ContinuousClock.now + .seconds(5)
        while !(lines.isFinished && stdoutLines.isFinished) && ContinuousClock.now < drained {
            try await Task.sleep(for: .milliseconds(10))
        }
        return (process.terminationStatus, ContinuousClock.now - start)
    }
}

/// A failure while driving the daemon, carrying its log so the test report shows why.
public struct DaemonTestError: Error, CustomStringConvertible {
    public var message: String
    public var log: [String]

    public init(_ message: String, log: [String]) {
        self.message = message
        self.log = log
    }

    public var description: String {
        "\(message)\n--- daemon log (last 40 lines) ---\n" + log.suffix(40).joined(separator: "\n")
    }
}

/// Splits a byte stream into lines as it arrives.
final class LineBuffer: Sendable {
    private struct State {
        var partial: [UInt8] = []
        var lines: [String] = []
        var finished = false
    }

    private let state = Mutex(State())

    func feed(_ data: Data) {
        state.withLock { state in
            state.partial.append(contentsOf: data)
            while let newline = state.partial.firstIndex(of: UInt8(ascii: "\n")) {
                state.lines.append(String(decoding: state.partial[..<newline], as: UTF8.self))
                state.partial.removeSubrange(...newline)
            }
        }
    }

    var lines: [String] { state.withLock { $0.lines } }

    /// The writer closed its end and every byte has been read.
    var isFinished: Bool { state.withLock { $0.finished } }

    func finish() {
        state.withLock { state in
            if !state.partial.isEmpty {
                state.lines.append(String(decoding: state.partial, as: UTF8.self))
                state.partial = []
            }
            state.finished = true
        }
    }
}
