import Foundation
import Glibc
import Synchronization

/// A long-running program (a server, tcpdump, the daemon in a namespace) that a test starts,
/// waits on and stops.
///
/// Its stdout and stderr are split into lines as they arrive, so tests await a line or a
/// readiness probe instead of sleeping. It runs in a process group of its own; `terminate`
/// sends SIGTERM to the group, then SIGKILL after a grace period, and `deinit` kills the group
/// if nobody stopped it, so a failing test never leaves a server behind.
public final class BackgroundProcess: Sendable {
    /// One line of output and the stream it came from.
    public struct Line: Sendable, CustomStringConvertible {
        public var isStandardError: Bool
        public var text: String
        public var description: String { (isStandardError ? "[stderr] " : "[stdout] ") + text }
    }

    /// A short name for error messages ("dnsmasq in internet").
    public let name: String
    public let commandLine: String
    public let pid: pid_t
    private let control: ChildControl
    private let log: OutputLog

    /// Starts `argv` now. Throws if the program is missing or cannot be spawned.
    public init(
        _ argv: [String],
        name: String? = nil,
        environment: [String: String]? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) throws {
        let location = CommandError.Location(fileID: fileID, line: line)
        let child = try ChildProcess.spawn(argv, environment: environment, pipeStandardInput: false, location: location)
        let control = ChildControl(pid: child.pid)
        let log = OutputLog()
        self.name = name ?? argv.first ?? "process"
        self.commandLine = CommandLineText.quote(argv)
        self.pid = child.pid
        self.control = control
        self.log = log
        // The reader thread holds the log and control, never `self`, so dropping the last
        // reference still runs deinit and kills the child.
        Thread.detachNewThread {
            let result = ChildProcess.pump(child, control: control, standardInput: [], deadline: nil) {
                isStandardError,
                bytes in
                log.append(bytes, isStandardError: isStandardError)
            }
            log.finish(result.termination)
        }
    }

    deinit {
        control.signalGroup(SIGKILL)
    }

    /// Every output line so far, both streams in arrival order.
    public var lines: [Line] { log.snapshot.lines }
    /// nil while it runs.
    public var termination: Termination? { log.snapshot.termination }
    public var isRunning: Bool { termination == nil }

    /// Sends `signal` to its process group (no-op once it has exited).
    public func signal(_ signal: Int32) { control.signalGroup(signal) }

    /// Waits for an output line for which `predicate` holds and returns it. Throws if the
    /// process exits first or `timeout` passes; the error carries the output so far.
    @discardableResult
    public func waitForLine(
        timeout: Duration = .seconds(10),
        fileID: String = #fileID,
        line: Int = #line,
        where predicate: @escaping @Sendable (String) -> Bool
    ) async throws -> String {
        let location = CommandError.Location(fileID: fileID, line: line)
        return try await log.wait(timeout: timeout) { snapshot in
            if let match = snapshot.lines.first(where: { predicate($0.text) }) { return match.text }
            if let termination = snapshot.termination {
                // Checks run under the log's lock: build the error from the snapshot given.
                throw self.error(
                    .exitedEarly,
                    "exited (\(termination)) before printing the awaited line",
                    location,
                    snapshot
                )
            }
            return nil
        } onTimeout: {
            self.error(.notReady, "no matching output line within \(timeout)", location)
        }
    }

    /// Waits for a line containing `text`.
    @discardableResult
    public func waitForLine(
        containing text: String,
        timeout: Duration = .seconds(10),
        fileID: String = #fileID,
        line: Int = #line
    ) async throws -> String {
        try await waitForLine(timeout: timeout, fileID: fileID, line: line) { $0.contains(text) }
    }

    /// Polls `isReady` (for example "does the port accept a connection") until it returns true.
    /// Fails fast with the program's output if it exits meanwhile, which is how a bad config
    /// file shows up.
    public func waitUntilReady(
        timeout: Duration = .seconds(10),
        pollInterval: Duration = .milliseconds(20),
        fileID: String = #fileID,
        line: Int = #line,
        _ isReady: @Sendable () async -> Bool
    ) async throws {
        let location = CommandError.Location(fileID: fileID, line: line)
        let deadline = ContinuousClock.now + timeout
        while true {
            if let termination {
                throw error(.exitedEarly, "exited (\(termination)) before it was ready", location)
            }
            if await isReady() { return }
            if ContinuousClock.now >= deadline {
                throw error(.notReady, "not ready within \(timeout)", location)
            }
            try await Task.sleep(for: pollInterval)
        }
    }

    /// Waits for the process to exit on its own.
    @discardableResult
    public func waitForExit(
        timeout: Duration = .seconds(10),
        fileID: String = #fileID,
        line: Int = #line
    )
        async throws -> Termination
    {
        let location = CommandError.Location(fileID: fileID, line: line)
        return try await log.wait(timeout: timeout) {
            $0.termination
        } onTimeout: {
            self.error(.timedOut, "still running after \(timeout)", location)
        }
    }

    /// Stops it: SIGTERM to the process group, SIGKILL if it is still running after `grace`.
    /// Safe to call more than once and after it exited.
    @discardableResult
    public func terminate(grace: Duration = .seconds(3)) async -> Termination {
        if let termination { return termination }
        control.signalGroup(SIGTERM)
        if let termination = try? await log.wait(timeout: grace, { $0.termination }, onTimeout: { CancellationError() })
        {
            return termination
        }
        control.signalGroup(SIGKILL)
        // SIGKILL cannot be ignored; the bound only guards against a stuck reader thread.
        return (try? await log.wait(timeout: .seconds(10), { $0.termination }, onTimeout: { CancellationError() }))
            ?? .signalled(SIGKILL)
    }

    private func error(
        _ code: CommandError.Code,
        _ message: String,
        _ location: CommandError.Location,
        _ snapshot: OutputLog.Snapshot? = nil
    ) -> CommandError {
        let snapshot = snapshot ?? log.snapshot
        return CommandError(
            code: code,
            message: "\(name): \(message)",
            commandLine: commandLine,
            termination: snapshot.termination,
            standardError: snapshot.lines.suffix(40).map(\.description).joined(separator: "\n"),
            location: location
        )
    }
}

/// Output lines and the exit status of a background process, with waiters that are woken when
/// either changes.
final class OutputLog: Sendable {
    struct Snapshot: Sendable {
        var lines: [BackgroundProcess.Line] = []
        var termination: Termination?
    }

    private struct State {
        var snapshot = Snapshot()
        var partial: [Bool: [UInt8]] = [:]
        /// Each waiter re-checks its condition on every change and returns true once it has
        /// resumed its continuation.
        var waiters: [Int: @Sendable (Snapshot) -> Bool] = [:]
        var nextWaiter = 0
    }

    /// Lines beyond this are dropped (oldest first) so a chatty server cannot eat memory.
    private static let maximumLines = 20_000
    private let state = Mutex(State())

    var snapshot: Snapshot { state.withLock { $0.snapshot } }

    func append(_ bytes: [UInt8], isStandardError: Bool) {
        update { state in
            var partial = state.partial[isStandardError, default: []] + bytes
            while let newline = partial.firstIndex(of: UInt8(ascii: "\n")) {
                let text = String(decoding: partial[..<newline], as: UTF8.self)
                state.snapshot.lines.append(.init(isStandardError: isStandardError, text: text))
                partial.removeSubrange(...newline)
            }
            state.partial[isStandardError] = partial
            if state.snapshot.lines.count > Self.maximumLines {
                state.snapshot.lines.removeFirst(state.snapshot.lines.count - Self.maximumLines)
            }
        }
    }

    func finish(_ termination: Termination) {
        update { state in
            // A last line without a newline is still a line.
            for (isStandardError, partial) in state.partial where !partial.isEmpty {
                let text = String(decoding: partial, as: UTF8.self)
                state.snapshot.lines.append(.init(isStandardError: isStandardError, text: text))
            }
            state.partial = [:]
            state.snapshot.termination = termination
        }
    }

    private func update(_ body: (inout State) -> Void) {
        state.withLock { state in
            body(&state)
            // Waiters resume themselves from their check; finished ones are removed.
            let snapshot = state.snapshot
            state.waiters = state.waiters.filter { !$0.value(snapshot) }
        }
    }

    /// Waits until `check` returns a value (or throws), or `timeout` passes.
    func wait<T: Sendable>(
        timeout: Duration,
        _ check: @escaping @Sendable (Snapshot) throws -> T?,
        onTimeout: @escaping @Sendable () -> any Error
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T.self) { group in
            group.addTask { try await self.wait(check) }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw onTimeout()
            }
            defer { group.cancelAll() }
            return try await group.next()!
        }
    }

    private func wait<T: Sendable>(_ check: @escaping @Sendable (Snapshot) throws -> T?) async throws -> T {
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        // A continuation resumed exactly once: by the check (under the lock) or by cancellation
        // (which removes the waiter under the same lock first).
        let cancelled = Mutex<(@Sendable () -> Void)?>(nil)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                let finish: @Sendable (Snapshot) -> Bool = { snapshot in
                    do {
                        guard let value = try check(snapshot) else { return false }
                        continuation.resume(returning: value)
                    } catch {
                        continuation.resume(throwing: error)
                    }
                    return true
                }
                state.withLock { state in
                    if Task.isCancelled {
                        continuation.resume(throwing: CancellationError())
                    } else if !finish(state.snapshot) {
                        state.waiters[id] = finish
                        cancelled.withLock { $0 = { continuation.resume(throwing: CancellationError()) } }
                    }
                }
            }
        } onCancel: {
            let removed = state.withLock { $0.waiters.removeValue(forKey: id) != nil }
            if removed, let resume = cancelled.withLock({ $0 }) { resume() }
        }
    }
}
