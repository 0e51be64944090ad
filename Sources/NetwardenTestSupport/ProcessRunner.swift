import Foundation
import Glibc
import Subprocess
import Synchronization
import SystemPackage

/// The one way test code starts a program: `Command.run` (to completion) and
/// `BackgroundProcess` (start, interact, stop) are both thin layers over `start`.
///
/// Built on swift-subprocess: it spawns with close-on-exec pipes and every other descriptor
/// closed in the child, default signal dispositions and an empty mask (the test runner may ignore
/// SIGPIPE; dnsmasq, nginx and tcpdump must see SIGTERM normally), monitors exit through a pidfd,
/// always reaps, and stops reading a pipe once the child has exited and the pipe is drained, so a
/// grandchild that keeps it open cannot hold a test up. We add a process group per child (so a
/// teardown reaches everything it forked), the lookup in the sbin directories, and teardown on
/// request.
enum ProcessRunner {
    /// What to start.
    struct Launch: Sendable {
        var argv: [String]
        /// nil inherits the test process's environment.
        var environment: [String: String]?
        var workingDirectory: String? = nil
        var standardInput: [UInt8] = []
        /// nil captures stderr like stdout; otherwise the child's stderr is this descriptor (the
        /// write end of a pipe the caller made), which is closed here once the child has it.
        var standardErrorDescriptor: Int32? = nil
        var location: CommandError.Location
    }

    /// A started child: its control and a task that ends, with how the child ended, once it has
    /// exited, been reaped and both of its output pipes have been read to the end.
    struct Started: Sendable {
        var control: ChildControl
        var exit: Task<Termination, Never>
    }

    /// A child that exits without reading all of its stdin would otherwise kill the whole test
    /// process with SIGPIPE on our next write; with it ignored the write fails with EPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Starts `launch` in a process group of its own and returns once it runs. Output arrives in
    /// `onOutput` in chunks as the child writes it.
    ///
    /// Async only, with no blocking variant: swift-subprocess needs threads of the cooperative
    /// pool while a child runs (it enumerates a stream in an unstructured task), so a caller that
    /// blocks pool threads waiting for a program can deadlock a 2-core machine. Availability
    /// probes are therefore async test conditions, not static initialisers.
    static func start(
        _ launch: Launch,
        onOutput: @escaping @Sendable (_ isStandardError: Bool, _ bytes: [UInt8]) -> Void
    ) async throws(CommandError) -> Started {
        _ = ignoreBrokenPipes
        let commandLine = CommandLineText.quote(launch.argv)
        guard let program = launch.argv.first, let executable = ProgramSearch.resolve(program) else {
            if let descriptor = launch.standardErrorDescriptor { close(descriptor) }
            throw CommandError(
                code: .programNotFound,
                message: "'\(launch.argv.first ?? "")' not found in PATH",
                commandLine: commandLine,
                location: launch.location
            )
        }

        var options = PlatformOptions()
        // Own process group (pgid = its pid): a timeout or teardown kills everything it forked.
        options.processGroupID = 0
        // Used by swift-subprocess if the body below throws: the whole group goes at once.
        options.teardownSequence = ChildControl.killSteps
        let configuration = Configuration(
            executable: .path(FilePath(executable)),
            arguments: Arguments(executablePathOverride: program, remainingValues: Array(launch.argv.dropFirst())),
            // NUL-terminated: swift-subprocess 1.0.2 hands each raw entry to strdup, which reads
            // past an unterminated array into whatever follows it (seen: a daemon now and then
            // started without NOTIFY_SOCKET or WATCHDOG_USEC, or with a garbled value).
            environment: .custom(environmentLines(launch.environment).map { Array($0.utf8) + [0] }),
            workingDirectory: launch.workingDirectory.map { FilePath($0) },
            platformOptions: options
        )

        let control = ChildControl()
        let spawn = SpawnWaiter()
        let exit = Task { () -> Termination in
            let ended: Termination
            do {
                ended = try await run(configuration, launch: launch, control: control, spawn: spawn, onOutput: onOutput)
            } catch {
                // A failure before the body ran is a failed launch, reported by `start`; later
                // ones (the monitor failing) leave a child we can no longer follow.
                if !spawn.fail(with: error) { control.finish() }
                return .signalled(0)
            }
            control.finish()
            return ended
        }
        do {
            try await spawn.wait()
        } catch {
            _ = await exit.value
            throw CommandError(
                code: .launchFailed,
                message: "could not start: \(error)",
                commandLine: commandLine,
                location: launch.location,
                cause: error
            )
        }
        return Started(control: control, exit: exit)
    }

    /// The child's environment: the given one or ours, with a PATH that includes sbin (see
    /// `ProgramSearch.fallbackSearchPath`).
    private static func environmentLines(_ environment: [String: String]?) -> [String] {
        var lines = (environment ?? ProcessInfo.processInfo.environment).map { "\($0.key)=\($0.value)" }
        if !lines.contains(where: { $0.hasPrefix("PATH=") }) {
            lines.append("PATH=" + ProgramSearch.fallbackSearchPath.joined(separator: ":"))
        }
        return lines
    }

    private static func run(
        _ configuration: Configuration,
        launch: Launch,
        control: ChildControl,
        spawn: SpawnWaiter,
        onOutput: @escaping @Sendable (Bool, [UInt8]) -> Void
    ) async throws -> Termination {
        func withStandardError<Input: InputProtocol>(_ input: Input) async throws -> Termination {
            if let descriptor = launch.standardErrorDescriptor {
                return try await drive(
                    configuration,
                    input: input,
                    error: .fileDescriptor(FileDescriptor(rawValue: descriptor), closeAfterSpawningProcess: true),
                    control: control,
                    spawn: spawn,
                    onOutput: onOutput
                )
            }
            return try await drive(
                configuration,
                input: input,
                error: .sequence,
                control: control,
                spawn: spawn,
                onOutput: onOutput
            )
        }
        // No input is /dev/null, as a service gets it; swift-subprocess writes given bytes from a
        // task of its own and closes the pipe after them.
        if launch.standardInput.isEmpty { return try await withStandardError(.none as NoInput) }
        return try await withStandardError(.array(launch.standardInput))
    }

    private static func drive<Input: InputProtocol, ErrorOutput: ErrorOutputProtocol>(
        _ configuration: Configuration,
        input: Input,
        error: ErrorOutput,
        control: ChildControl,
        spawn: SpawnWaiter,
        onOutput: @escaping @Sendable (Bool, [UInt8]) -> Void
    ) async throws -> Termination {
        let result = try await Subprocess.run(configuration, input: input, output: .sequence, error: error) {
            execution in
            control.started(pid: execution.processIdentifier.value)
            spawn.succeed()
            await withTaskGroup(of: Void.self) { requests in
                requests.addTask { await control.serveTeardownRequests(execution) }
                await withTaskGroup(of: Void.self) { streams in
                    streams.addTask { await forward(execution.standardOutput, isStandardError: false, to: onOutput) }
                    if let captured = execution as? Execution<Input, SequenceOutput, SequenceOutput> {
                        streams.addTask {
                            await forward(captured.standardError, isStandardError: true, to: onOutput)
                        }
                    }
                }
                // Both pipes are at their end: the child has exited (or closed them); nothing
                // is left to tear down.
                requests.cancelAll()
            }
        }
        return Termination(result.terminationStatus)
    }

    private static func forward(
        _ stream: SubprocessOutputSequence,
        isStandardError: Bool,
        to onOutput: @Sendable (Bool, [UInt8]) -> Void
    ) async {
        do {
            for try await buffer in stream {
                onOutput(isStandardError, buffer.withUnsafeBytes { Array($0) })
            }
        } catch {
            // A read error ends the stream like EOF; the exit status still tells how it ended.
        }
    }
}

/// Signals and teardown for one child. Signals go to its process group, and never after the
/// child has been reaped (its pid could be someone else's by then).
final class ChildControl: Sendable {
    private struct State {
        var pid: pid_t = 0
        var finished = false
    }

    private let state = Mutex(State())
    private let teardowns: AsyncStream<[TeardownStep]>
    private let teardownRequests: AsyncStream<[TeardownStep]>.Continuation

    /// SIGKILL to the whole group (swift-subprocess ends every sequence with a kill too).
    static let killSteps: [TeardownStep] = [
        .send(signal: .kill, toProcessGroup: true, allowedDurationToNextStep: .seconds(1))
    ]

    init() {
        (teardowns, teardownRequests) = AsyncStream.makeStream(of: [TeardownStep].self)
    }

    /// Its pid, which is also its process group id; 0 until it has been spawned.
    var pid: pid_t { state.withLock { $0.pid } }
    /// It has exited and been reaped.
    var isFinished: Bool { state.withLock { $0.finished } }

    func started(pid: pid_t) { state.withLock { $0.pid = pid } }

    func finish() {
        state.withLock { $0.finished = true }
        teardownRequests.finish()
    }

    /// Sends `signal` to the process group now; a no-op once the child has been reaped.
    func signalGroup(_ signal: Int32) {
        state.withLock { state in
            guard !state.finished, state.pid > 0 else { return }
            if Glibc.kill(-state.pid, signal) != 0 { Glibc.kill(state.pid, signal) }
        }
    }

    /// SIGTERM to the group, then SIGKILL to the group if the child is still running after
    /// `grace`. Returns at once; the child's exit task tells when it is over.
    func terminate(grace: Duration) {
        teardownRequests.yield([.send(signal: .terminate, toProcessGroup: true, allowedDurationToNextStep: grace)])
    }

    /// SIGKILL to the group, through the same teardown path.
    func killGroup() { teardownRequests.yield(Self.killSteps) }

    /// Runs teardown requests while the child lives: swift-subprocess's sequence waits for
    /// the exit between steps through the pidfd, so a child that stops on SIGTERM is never
    /// sent SIGKILL.
    func serveTeardownRequests<Input, Output, Failure>(_ execution: Execution<Input, Output, Failure>) async {
        for await steps in teardowns {
            await execution.teardown(using: steps)
        }
    }
}

/// Lets `start` wait until the child has been spawned (or failed to be).
private final class SpawnWaiter: Sendable {
    private enum State {
        case waiting(CheckedContinuation<Void, any Error>?)
        case done(Result<Void, any Error>)
    }
    private let state = Mutex(State.waiting(nil))

    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let done: Result<Void, any Error>? = state.withLock { state in
                if case .done(let result) = state { return result }
                state = .waiting(continuation)
                return nil
            }
            if let done { continuation.resume(with: done) }
        }
    }

    func succeed() { _ = complete(.success(())) }

    /// Returns false if the spawn had already been reported as a success.
    func fail(with error: any Error) -> Bool { complete(.failure(error)) }

    private func complete(_ result: Result<Void, any Error>) -> Bool {
        let waiting: CheckedContinuation<Void, any Error>?? = state.withLock { state in
            guard case .waiting(let continuation) = state else { return nil }
            state = .done(result)
            return .some(continuation)
        }
        guard let waiting else { return false }
        waiting?.resume(with: result)
        return true
    }
}
