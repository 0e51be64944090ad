import Foundation
import Glibc

/// The real `netwarden` binary running as a child process, for tests of signals, exit codes,
/// logs and the notify protocol: the things only the whole process can show.
///
/// A `BackgroundProcess`: stderr (the log) and stdout are collected line by line so tests can
/// `await` a log line instead of sleeping, and the process group is killed in `deinit` if a test
/// forgets or fails before stopping it, so a failing test never leaves a daemon behind.
public final class DaemonUnderTest: Sendable {
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

    public let process: BackgroundProcess
    /// The read end of a stalled stderr pipe, kept open (and never read) while the daemon runs
    /// so its writes block instead of failing with EPIPE.
    private let stalledReader: Int32?

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
        stalledStandardError: Bool = false,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws {
        var argv = launcher
        if journalStream {
            // The runner makes the stderr pipe, so a shell in front of the daemon reads the
            // pipe's device:inode off its own fd 2 (the same pipe) and execs the daemon.
            argv += ["/bin/sh", "-c", #"export JOURNAL_STREAM="$(stat -L -c %d:%i /proc/self/fd/2)"; exec "$@""#, "sh"]
        }
        argv += [Self.binaryPath] + arguments
        var env = environment
        env["PATH"] = env["PATH"] ?? ProgramSearch.fallbackSearchPath.joined(separator: ":")
        var stalled: (reader: Int32, writer: Int32)? = nil
        if stalledStandardError { stalled = try Self.fullPipe() }
        do {
            process = try await BackgroundProcess(
                Command(argv, environment: env),
                name: "netwarden",
                standardErrorDescriptor: stalled?.writer,
                location: .init(fileID: fileID, line: line)
            )
        } catch {
            // The runner closed the write end.
            if let stalled { close(stalled.reader) }
            throw error
        }
        stalledReader = stalled?.reader
    }

    deinit {
        process.signal(SIGKILL)
        // Once it is dead nobody can block on the pipe any more.
        if let stalledReader { close(stalledReader) }
    }

    /// A pipe whose buffer is full. Non-blocking only while filling: the flag lives on the open
    /// file description the child inherits, and the child must see a blocking pipe.
    private static func fullPipe() throws -> (reader: Int32, writer: Int32) {
        var descriptors: [Int32] = [-1, -1]
        guard pipe(&descriptors) == 0 else {
            throw DaemonTestError("pipe failed: \(POSIXErrorText.current())", log: [])
        }
        let writer = descriptors[1]
        for descriptor in descriptors { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        let flags = fcntl(writer, F_GETFL)
        _ = fcntl(writer, F_SETFL, flags | O_NONBLOCK)
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 4096)
        while chunk.withUnsafeBytes({ Glibc.write(writer, $0.baseAddress, $0.count) }) > 0 {}
        _ = fcntl(writer, F_SETFL, flags)
        return (descriptors[0], writer)
    }

    public var pid: pid_t { process.pid }

    /// Every stderr (log) line so far.
    public var logLines: [String] { process.lines.filter(\.isStandardError).map(\.text) }
    public var outputLines: [String] { process.lines.filter { !$0.isStandardError }.map(\.text) }

    public func signal(_ signal: Int32) { process.signal(signal) }

    /// Waits for a log line containing `text` (after skipping the first `after` lines).
    @discardableResult
    public func waitForLog(
        containing text: String,
        after: Int = 0,
        timeout: Duration = .seconds(20)
    ) async throws -> String {
        try await process.wait(timeout: timeout) { snapshot in
            let log = snapshot.lines.filter(\.isStandardError).map(\.text)
            if let line = log.dropFirst(after).first(where: { $0.contains(text) }) { return line }
            // The termination is recorded only after both pipes were read to their end, so
            // every line the daemon wrote is already here.
            if let termination = snapshot.termination {
                throw DaemonTestError("daemon exited (\(termination)) before logging '\(text)'", log: log)
            }
            return nil
        } onTimeout: { [process] in
            DaemonTestError(
                "no log line containing '\(text)' within \(timeout)",
                log: process.lines.filter(\.isStandardError).map(\.text)
            )
        }
    }

    /// Waits for the process to exit; returns its status (the signal number if a signal ended
    /// it) and how long the wait took. Kills it and throws if it outlives `timeout`.
    public func waitForExit(timeout: Duration = .seconds(10)) async throws -> (status: Int32, waited: Duration) {
        let start = ContinuousClock.now
        let termination: Termination
        do {
            termination = try await process.waitForExit(timeout: timeout)
        } catch {
            process.signal(SIGKILL)
            throw DaemonTestError("daemon still running \(timeout) after being asked to stop", log: logLines)
        }
        switch termination {
        case .exited(let status), .signalled(let status): return (status, ContinuousClock.now - start)
        }
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
