import Glibc
import Synchronization

/// A long-running program (a server, tcpdump, the daemon in a namespace) that a test starts,
/// waits on and stops.
///
/// Its stdout and stderr are split into lines as they arrive, so tests await a line or a
/// readiness probe instead of sleeping. It runs in a process group of its own; `terminate`
/// sends SIGTERM to the group, then SIGKILL after a grace period, and `deinit` kills the group
/// if nobody stopped it, so a failing test never leaves a server behind. It is always reaped.
/// Started by `ProcessRunner`, like every program a test runs.
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
    /// Its pid, which is also its process group id.
    public let pid: pid_t
    private let control: ChildControl
    private let log: OutputLog

    /// Starts `argv` and returns once it runs. Throws if the program is missing or cannot be
    /// spawned.
    public convenience init(
        _ argv: [String],
        name: String? = nil,
        environment: [String: String]? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws {
        try await self.init(
            Command(argv, environment: environment),
            name: name,
            location: .init(fileID: fileID, line: line)
        )
    }

    /// `standardErrorDescriptor`: see `ProcessRunner.Launch`; its lines are then not captured.
    init(
        _ command: Command,
        name: String?,
        standardErrorDescriptor: Int32? = nil,
        location: CommandError.Location
    ) async throws {
        let log = OutputLog()
        let started = try await ProcessRunner.start(
            .init(
                argv: command.argv,
                environment: command.environment,
                workingDirectory: command.workingDirectory,
                standardErrorDescriptor: standardErrorDescriptor,
                location: location
            )
        ) { isStandardError, bytes in
            log.append(bytes, isStandardError: isStandardError)
        }
        self.name = name ?? command.argv.first ?? "process"
        self.commandLine = command.description
        self.pid = started.control.pid
        self.control = started.control
        self.log = log
        // This task holds the log, never `self`, so dropping the last reference still runs
        // deinit and kills the group.
        Task { log.finish(await started.exit.value) }
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

    /// Stops it: SIGTERM to the process group, SIGKILL to the group if it is still running
    /// after `grace` (swift-subprocess's teardown sequence). Safe to call more than once and
    /// after it exited.
    @discardableResult
    public func terminate(grace: Duration = .seconds(3)) async -> Termination {
        if let termination { return termination }
        control.terminate(grace: grace)
        // SIGKILL cannot be ignored; the bound only guards against a runner that stopped
        // following the child.
        return
            (try? await log.wait(
                timeout: grace + .seconds(10),
                { $0.termination },
                onTimeout: { CancellationError() }
            )) ?? .signalled(SIGKILL)
    }

    /// Waits until `check` returns a value for the output so far (or throws), or `timeout`
    /// passes; for wrappers such as `DaemonUnderTest` that wait on one stream.
    func wait<T: Sendable>(
        timeout: Duration,
        _ check: @escaping @Sendable (OutputLog.Snapshot) throws -> T?,
        onTimeout: @escaping @Sendable () -> any Error
    ) async throws -> T {
        try await log.wait(timeout: timeout, check, onTimeout: onTimeout)
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
