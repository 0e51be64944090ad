import Foundation
import Glibc

/// An external program run to completion: arguments, optional stdin, a hard timeout.
///
/// The program gets a process group of its own; on timeout or task cancellation the whole group
/// is killed with SIGKILL, so nothing it forked outlives the test. stdout and stderr are captured
/// separately. By default a non-zero exit throws a `CommandError` carrying the command line and
/// stderr.
///
/// ```swift
/// let routes = try await Command("ip", "-n", namespace, "route", "show").run().standardOutputText
/// ```
public struct Command: Sendable, CustomStringConvertible {
    /// The program (a name looked up in PATH and the sbin directories, or a path) and its
    /// arguments.
    public var argv: [String]
    public var standardInput: [UInt8]
    /// nil inherits the test process's environment.
    public var environment: [String: String]?
    public var timeout: Duration

    public init(
        _ argv: [String],
        standardInput: [UInt8] = [],
        environment: [String: String]? = nil,
        timeout: Duration = .seconds(30)
    ) {
        precondition(!argv.isEmpty, "a command needs a program")
        self.argv = argv
        self.standardInput = standardInput
        self.environment = environment
        self.timeout = timeout
    }

    public init(_ program: String, _ arguments: String..., timeout: Duration = .seconds(30)) {
        self.init([program] + arguments, timeout: timeout)
    }

    /// The command line, shell-quoted.
    public var description: String { CommandLineText.quote(argv) }

    /// Runs the command and waits for it. With `check` (the default) anything but exit status 0
    /// throws; without it only a failure to start or a timeout does.
    @discardableResult
    public func run(check: Bool = true, fileID: String = #fileID, line: Int = #line) async throws -> CommandOutput {
        let location = CommandError.Location(fileID: fileID, line: line)
        let child = try ChildProcess.spawn(
            argv,
            environment: environment,
            pipeStandardInput: !standardInput.isEmpty,
            location: location
        )
        let control = ChildControl(pid: child.pid)
        let input = standardInput
        let deadline = ContinuousClock.now + timeout
        // The pump blocks, so it gets a thread of its own instead of a cooperative-pool thread.
        let collected = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<CollectedOutput, Never>) in
                Thread.detachNewThread {
                    continuation.resume(
                        returning: Self.collect(child, control: control, input: input, deadline: deadline)
                    )
                }
            }
        } onCancel: {
            control.signalGroup(SIGKILL)
        }
        try Task.checkCancellation()
        return try finish(collected, check: check, location: location)
    }

    /// The same as `run`, blocking the calling thread. For places that cannot await: `deinit`
    /// fallbacks and the one-time availability probe.
    @discardableResult
    public func runSynchronously(
        check: Bool = true,
        fileID: String = #fileID,
        line: Int = #line
    ) throws
        -> CommandOutput
    {
        let location = CommandError.Location(fileID: fileID, line: line)
        let child = try ChildProcess.spawn(
            argv,
            environment: environment,
            pipeStandardInput: !standardInput.isEmpty,
            location: location
        )
        let collected = Self.collect(
            child,
            control: ChildControl(pid: child.pid),
            input: standardInput,
            deadline: .now + timeout
        )
        return try finish(collected, check: check, location: location)
    }

    private struct CollectedOutput: Sendable {
        var termination: Termination
        var timedOut: Bool
        var standardOutput: [UInt8]
        var standardError: [UInt8]
    }

    private static func collect(
        _ child: SpawnedChild,
        control: ChildControl,
        input: [UInt8],
        deadline: ContinuousClock.Instant
    ) -> CollectedOutput {
        var standardOutput: [UInt8] = []
        var standardError: [UInt8] = []
        let result = ChildProcess.pump(child, control: control, standardInput: input, deadline: deadline) {
            isStandardError,
            bytes in
            if isStandardError { standardError += bytes } else { standardOutput += bytes }
        }
        return CollectedOutput(
            termination: result.termination,
            timedOut: result.timedOut,
            standardOutput: standardOutput,
            standardError: standardError
        )
    }

    private func finish(
        _ collected: CollectedOutput,
        check: Bool,
        location: CommandError.Location
    ) throws
        -> CommandOutput
    {
        let output = CommandOutput(
            commandLine: description,
            termination: collected.termination,
            standardOutput: collected.standardOutput,
            standardError: collected.standardError
        )
        func failure(_ code: CommandError.Code, _ message: String) -> CommandError {
            CommandError(
                code: code,
                message: message,
                commandLine: description,
                termination: collected.termination,
                standardError: output.standardErrorText,
                standardOutput: output.standardOutputText,
                location: location
            )
        }
        if collected.timedOut {
            throw failure(.timedOut, "still running after \(timeout); its process group was killed")
        }
        guard check else { return output }
        switch collected.termination {
        case .exited(0): return output
        case .exited(let status): throw failure(.nonZeroExit, "exited with status \(status)")
        case .signalled(let signal): throw failure(.signalled, "killed by signal \(signal)")
        }
    }
}

/// What a finished `Command` printed and how it ended.
public struct CommandOutput: Sendable {
    public var commandLine: String
    public var termination: Termination
    public var standardOutput: [UInt8]
    public var standardError: [UInt8]

    public var succeeded: Bool { termination.succeeded }
    public var standardOutputText: String { String(decoding: standardOutput, as: UTF8.self) }
    public var standardErrorText: String { String(decoding: standardError, as: UTF8.self) }
}
