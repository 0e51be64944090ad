/// Why an external program (a one-shot `Command` or a `BackgroundProcess`) did not do what the
/// test needed. Carries the command line and the program's stderr, so a failing test's report
/// says what ran and what the program complained about without re-running anything.
public struct CommandError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so new kinds never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The program is not installed (or not in PATH or the sbin directories).
        public static let programNotFound = Code("program not found")
        /// pipe2 or posix_spawn failed.
        public static let launchFailed = Code("launch failed")
        /// It exited with a non-zero status.
        public static let nonZeroExit = Code("non-zero exit")
        /// A signal ended it that we did not send.
        public static let signalled = Code("killed by signal")
        /// It ran past its timeout and its process group was killed.
        public static let timedOut = Code("timed out")
        /// A background process exited while a test waited for it to become ready.
        public static let exitedEarly = Code("exited early")
        /// A background process did not print the awaited line or become ready in time.
        public static let notReady = Code("not ready")
    }

    /// Where in the test code the failing call was made.
    public struct Location: Sendable, CustomStringConvertible {
        public var fileID: String
        public var line: Int
        public init(fileID: String, line: Int) {
            self.fileID = fileID
            self.line = line
        }
        public var description: String { "\(fileID):\(line)" }
    }

    public var code: Code
    public var message: String
    /// The command line, shell-quoted.
    public var commandLine: String
    public var termination: Termination?
    /// What the program wrote to stderr (for a background process: its last output lines).
    public var standardError: String
    public var standardOutput: String
    public var location: Location
    public var cause: (any Error & Sendable)?

    public init(
        code: Code,
        message: String,
        commandLine: String,
        termination: Termination? = nil,
        standardError: String = "",
        standardOutput: String = "",
        location: Location,
        cause: (any Error & Sendable)? = nil
    ) {
        self.code = code
        self.message = message
        self.commandLine = commandLine
        self.termination = termination
        self.standardError = standardError
        self.standardOutput = standardOutput
        self.location = location
        self.cause = cause
    }

    public var description: String {
        var text = "\(code): \(message)\n  command: \(commandLine)\n  at: \(location)"
        if let termination { text += "\n  ended with: \(termination)" }
        let stderr = Self.tail(standardError)
        if !stderr.isEmpty { text += "\n  stderr:\n" + stderr }
        let stdout = Self.tail(standardOutput)
        if !stdout.isEmpty && code != .nonZeroExit { text += "\n  stdout:\n" + stdout }
        if let cause { text += "\n  cause: \(cause)" }
        return text
    }

    /// The last lines, indented: enough to see why, short enough to read in a test report.
    private static func tail(_ text: String, lines: Int = 30) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).filter { !$0.isEmpty }
            .map { "    " + $0 }.joined(separator: "\n")
    }
}
