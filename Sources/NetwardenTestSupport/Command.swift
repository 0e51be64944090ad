import Synchronization

/// An external program run to completion: arguments, optional stdin, a hard timeout.
///
/// The program gets a process group of its own; on timeout or task cancellation the whole group
/// is killed with SIGKILL, so nothing it forked outlives the test. stdout and stderr are captured
/// separately. By default a non-zero exit throws a `CommandError` carrying the command line and
/// stderr. `start` runs the same description in the background instead; both go through
/// `ProcessRunner`, the one place that spawns programs for tests.
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
    /// nil runs it in the test process's working directory.
    public var workingDirectory: String?
    public var timeout: Duration

    public init(
        _ argv: [String],
        standardInput: [UInt8] = [],
        environment: [String: String]? = nil,
        workingDirectory: String? = nil,
        timeout: Duration = .seconds(30)
    ) {
        precondition(!argv.isEmpty, "a command needs a program")
        self.argv = argv
        self.standardInput = standardInput
        self.environment = environment
        self.workingDirectory = workingDirectory
        self.timeout = timeout
    }

    public init(_ program: String, _ arguments: String..., timeout: Duration = .seconds(30)) {
        self.init([program] + arguments, timeout: timeout)
    }

    /// The command line, shell-quoted.
    public var description: String { CommandLineText.quote(argv) }

    /// Runs the command and waits for it. With `check` (the default) anything but exit status 0
    /// throws; without it only a failure to start or a timeout does. Cancelling the calling task
    /// kills the process group and throws `CancellationError`.
    @discardableResult
    public func run(check: Bool = true, fileID: String = #fileID, line: Int = #line) async throws -> CommandOutput {
        let collected = try await collect(location: .init(fileID: fileID, line: line))
        try Task.checkCancellation()
        return try finish(collected, check: check, location: .init(fileID: fileID, line: line))
    }

    /// Starts the command in the background (see `BackgroundProcess`); its stdin is not used.
    public func start(
        name: String? = nil,
        fileID: String = #fileID,
        line: Int = #line
    ) async throws
        -> BackgroundProcess
    {
        try await BackgroundProcess(self, name: name, location: .init(fileID: fileID, line: line))
    }

    private struct CollectedOutput: Sendable {
        var termination: Termination
        var timedOut: Bool
        var standardOutput: [UInt8]
        var standardError: [UInt8]
    }

    private func collect(
        location: CommandError.Location
    ) async throws(CommandError)
        -> CollectedOutput
    {
        let buffers = Mutex<(standardOutput: [UInt8], standardError: [UInt8])>(([], []))
        let started = try await ProcessRunner.start(
            .init(
                argv: argv,
                environment: environment,
                workingDirectory: workingDirectory,
                standardInput: standardInput,
                location: location
            )
        ) { isStandardError, bytes in
            buffers.withLock { buffers in
                if isStandardError { buffers.standardError += bytes } else { buffers.standardOutput += bytes }
            }
        }
        let control = started.control
        let timedOut = Atomic(false)
        let timeout = self.timeout
        let watchdog = Task {
            try await Task.sleep(for: timeout)
            timedOut.store(true, ordering: .relaxed)
            control.killGroup()
        }
        let termination = await withTaskCancellationHandler {
            await started.exit.value
        } onCancel: {
            control.killGroup()
        }
        watchdog.cancel()
        return buffers.withLock { buffers in
            CollectedOutput(
                termination: termination,
                timedOut: timedOut.load(ordering: .relaxed),
                standardOutput: buffers.standardOutput,
                standardError: buffers.standardError
            )
        }
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
