import Foundation
import Glibc
import Synchronization

/// How a child process ended.
public enum Termination: Sendable, Equatable, CustomStringConvertible {
    /// It called `exit` with this status.
    case exited(Int32)
    /// A signal ended it (for example SIGKILL after a timeout).
    case signalled(Int32)

    public var succeeded: Bool { self == .exited(0) }

    public var description: String {
        switch self {
        case .exited(let status): "exit status \(status)"
        case .signalled(let signal): "killed by signal \(signal)"
        }
    }

    init(waitStatus status: Int32) {
        // The W* macros are not imported into Swift; these are their glibc definitions.
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
    }
}

/// A spawned child: its pid (also its process group id) and our ends of its pipes.
struct SpawnedChild: Sendable {
    var pid: pid_t
    var standardInput: Int32  // -1 when the child reads /dev/null
    var standardOutput: Int32
    var standardError: Int32
}

/// The one place that signals and reaps a child, so a signal can never reach a recycled pid:
/// both happen under the same lock, and nothing signals after the reap.
final class ChildControl: Sendable {
    let pid: pid_t
    private let reaped = Mutex<Termination?>(nil)

    init(pid: pid_t) { self.pid = pid }

    var termination: Termination? { reaped.withLock { $0 } }

    /// Signals the child's whole process group (it leads its own), so helpers it forked (nginx
    /// workers, a shell's children) go too.
    func signalGroup(_ signal: Int32) {
        reaped.withLock { termination in
            guard termination == nil else { return }
            if kill(-pid, signal) != 0 { kill(pid, signal) }
        }
    }

    /// Reaps the child if it has exited; never blocks.
    func reapIfExited() -> Termination? {
        reaped.withLock { termination in
            if let termination { return termination }
            var status: Int32 = 0
            let result = waitpid(pid, &status, WNOHANG)
            if result == pid {
                termination = Termination(waitStatus: status)
            } else if result < 0 && errno == ECHILD {
                // Someone else reaped it; all we can say is that it is gone.
                termination = .signalled(0)
            }
            return termination
        }
    }
}

/// glibc functions that Swift's Glibc module does not import (they sit behind `_GNU_SOURCE`),
/// looked up once at run time instead of adding a C shim module for test-only code.
enum GlibcExtras {
    private typealias CloseFromFunction =
        @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    private typealias SetNamespaceFunction = @convention(c) (Int32, Int32) -> Int32
    private typealias PipeFunction = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32

    private static let closeFromSymbol: CloseFromFunction? = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFromFunction.self) }
    private static let setNamespaceSymbol: SetNamespaceFunction? = dlsym(nil, "setns")
        .map { unsafeBitCast($0, to: SetNamespaceFunction.self) }

    private static let pipeSymbol: PipeFunction? = dlsym(nil, "pipe2")
        .map { unsafeBitCast($0, to: PipeFunction.self) }

    /// A close-on-exec pipe created atomically, so a spawn racing on another thread cannot
    /// inherit it (pipe + fcntl leaves a window).
    static func closeOnExecPipe(_ fds: inout [Int32]) -> Int32 {
        guard let pipeSymbol else {
            guard pipe(&fds) == 0 else { return -1 }
            for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        return pipeSymbol(&fds, O_CLOEXEC)
    }

    /// `CLONE_NEWNET` from <sched.h>.
    static let newNetworkNamespace: Int32 = 0x4000_0000

    /// Closes every descriptor above stderr in the child. Our own pipes are close-on-exec, but
    /// other code in the test process (Foundation's `Pipe`) may not be, and an inherited write
    /// end would keep a reader waiting for EOF forever.
    static func addCloseFrom(_ actions: inout posix_spawn_file_actions_t, lowest: Int32) {
        _ = closeFromSymbol?(&actions, lowest)
    }

    static func setNetworkNamespace(_ fd: Int32) -> Int32 {
        guard let setNamespaceSymbol else {
            errno = ENOSYS
            return -1
        }
        return setNamespaceSymbol(fd, newNetworkNamespace)
    }
}

enum ChildProcess {
    /// A child that exits without reading all of its stdin would otherwise kill the whole test
    /// process with SIGPIPE on our next write; with it ignored the write fails with EPIPE.
    private static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Directories searched after `$PATH`: test runners often drop the sbin directories, where
    /// `ip`, `nft`, `dnsmasq` and `nginx` live.
    static let fallbackSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The absolute path `program` resolves to, or nil.
    static func resolve(_ program: String) -> String? {
        if program.contains("/") { return access(program, X_OK) == 0 ? program : nil }
        let path = ProcessInfo.processInfo.environment["PATH"]?.split(separator: ":").map(String.init) ?? []
        for directory in path + fallbackSearchPath where !directory.isEmpty {
            let candidate = directory + "/" + program
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// Starts `argv` in a process group of its own with piped stdout/stderr (and stdin if asked).
    static func spawn(
        _ argv: [String],
        environment: [String: String]?,
        pipeStandardInput: Bool,
        location: CommandError.Location
    ) throws(CommandError) -> SpawnedChild {
        let commandLine = CommandLineText.quote(argv)
        _ = ignoreBrokenPipes
        guard let program = argv.first, let executable = resolve(program) else {
            throw CommandError(
                code: .programNotFound,
                message: "'\(argv.first ?? "")' not found in PATH",
                commandLine: commandLine,
                location: location
            )
        }

        // Every descriptor is close-on-exec: a concurrent spawn on another thread must not
        // inherit it. dup2 in the child clears the flag on 0, 1 and 2.
        var pipes: [Int32] = []
        func makePipe() throws(CommandError) -> (read: Int32, write: Int32) {
            var fds: [Int32] = [-1, -1]
            guard GlibcExtras.closeOnExecPipe(&fds) == 0 else {
                let cause = POSIXErrorText.current()
                throw CommandError(
                    code: .launchFailed,
                    message: "pipe2 failed: \(cause)",
                    commandLine: commandLine,
                    location: location
                )
            }
            pipes += fds
            return (fds[0], fds[1])
        }
        func closeAll() { for fd in pipes { close(fd) } }

        let output: (read: Int32, write: Int32)
        let error: (read: Int32, write: Int32)
        var input: (read: Int32, write: Int32)? = nil
        do {
            output = try makePipe()
            error = try makePipe()
            if pipeStandardInput { input = try makePipe() }
        } catch {
            closeAll()
            throw error
        }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if let input {
            posix_spawn_file_actions_adddup2(&actions, input.read, 0)
        } else {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        }
        posix_spawn_file_actions_adddup2(&actions, output.write, 1)
        posix_spawn_file_actions_adddup2(&actions, error.write, 2)
        GlibcExtras.addCloseFrom(&actions, lowest: 3)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Own process group: a timeout or teardown can kill everything the child forked.
        // Signal defaults and an empty mask: the test runner may ignore SIGPIPE or block
        // signals, and children (dnsmasq, nginx, tcpdump) must see SIGTERM normally.
        let flags = POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF
        posix_spawnattr_setflags(&attributes, Int16(flags))
        posix_spawnattr_setpgroup(&attributes, 0)
        var emptyMask = sigset_t()
        sigemptyset(&emptyMask)
        posix_spawnattr_setsigmask(&attributes, &emptyMask)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGPIPE, SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGCHLD, SIGALRM] {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)

        var environmentLines: [String]
        if let environment {
            environmentLines = environment.map { "\($0.key)=\($0.value)" }
        } else {
            environmentLines = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        }
        // sbin matters for the programs the lab runs (see fallbackSearchPath).
        if !environmentLines.contains(where: { $0.hasPrefix("PATH=") }) {
            environmentLines.append("PATH=" + fallbackSearchPath.joined(separator: ":"))
        }

        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in cArguments { free(pointer) }
            for pointer in cEnvironment { free(pointer) }
        }

        var pid: pid_t = 0
        let status = posix_spawn(&pid, executable, &actions, &attributes, cArguments, cEnvironment)
        // The child's ends belong to the child now.
        close(output.write)
        close(error.write)
        if let input { close(input.read) }
        guard status == 0 else {
            close(output.read)
            close(error.read)
            if let input { close(input.write) }
            throw CommandError(
                code: .launchFailed,
                message: "posix_spawn failed: \(String(cString: strerror(status)))",
                commandLine: commandLine,
                location: location
            )
        }
        for fd in [output.read, error.read] + (input.map { [$0.write] } ?? []) {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        }
        return SpawnedChild(
            pid: pid,
            standardInput: input?.write ?? -1,
            standardOutput: output.read,
            standardError: error.read
        )
    }

    /// Feeds stdin, drains stdout/stderr and reaps the child; blocks, so it runs on a thread of
    /// its own rather than on the cooperative pool. With a deadline, the process group is killed
    /// when it passes. Returns once the child has exited and its pipes hold nothing more; a
    /// grandchild that keeps a pipe open cannot hold it up.
    static func pump(
        _ child: SpawnedChild,
        control: ChildControl,
        standardInput: [UInt8],
        deadline: ContinuousClock.Instant?,
        onOutput: (_ isStandardError: Bool, _ bytes: [UInt8]) -> Void
    ) -> (termination: Termination, timedOut: Bool) {
        var readers: [(fd: Int32, isStandardError: Bool)] = [
            (child.standardOutput, false), (child.standardError, true),
        ]
        var writer = child.standardInput
        var written = 0
        if writer >= 0 && standardInput.isEmpty {
            close(writer)
            writer = -1
        }
        var timedOut = false
        var termination: Termination?
        var idleWait: Int32 = 1
        var buffer = [UInt8](repeating: 0, count: 65536)

        defer {
            for reader in readers { close(reader.fd) }
            if writer >= 0 { close(writer) }
        }

        while true {
            var pollSet = readers.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            if writer >= 0 { pollSet.append(pollfd(fd: writer, events: Int16(POLLOUT), revents: 0)) }
            // Short slices: exit is noticed by polling waitpid, and a finished child whose
            // grandchild holds a pipe must not keep us waiting.
            let wait: Int32 = termination != nil ? 0 : (pollSet.isEmpty ? idleWait : 50)
            let ready =
                pollSet.isEmpty ? Int32(usleep(UInt32(wait) * 1000)) : poll(&pollSet, nfds_t(pollSet.count), wait)
            if pollSet.isEmpty { idleWait = min(idleWait * 2, 50) }

            var closed: [Int32] = []
            for entry in pollSet where entry.revents != 0 {
                if entry.fd == writer {
                    let count = standardInput.withUnsafeBytes { bytes in
                        write(writer, bytes.baseAddress! + written, bytes.count - written)
                    }
                    if count > 0 { written += count }
                    if (count < 0 && errno != EAGAIN && errno != EINTR) || written == standardInput.count {
                        close(writer)  // EPIPE: the child does not want the rest; fine.
                        writer = -1
                    }
                    continue
                }
                let isStandardError = readers.first { $0.fd == entry.fd }?.isStandardError ?? false
                while true {
                    let count = read(entry.fd, &buffer, buffer.count)
                    if count > 0 {
                        onOutput(isStandardError, Array(buffer[0..<count]))
                    } else if count == 0 || (errno != EAGAIN && errno != EINTR) {
                        closed.append(entry.fd)
                        break
                    } else {
                        break
                    }
                }
            }
            for fd in closed { close(fd) }
            readers.removeAll { closed.contains($0.fd) }

            if termination != nil && (ready <= 0 || readers.isEmpty) { break }
            if termination == nil { termination = control.reapIfExited() }
            if termination == nil, let deadline, !timedOut, ContinuousClock.now >= deadline {
                timedOut = true
                control.signalGroup(SIGKILL)
            }
        }
        return (termination ?? .signalled(0), timedOut)
    }
}

/// Command lines as a person would paste them into a shell, for error messages.
enum CommandLineText {
    static func quote(_ argv: [String]) -> String {
        argv.map { argument in
            let safe = argument.allSatisfy { $0.isLetter || $0.isNumber || "-_./:=@,+%".contains($0) }
            if safe && !argument.isEmpty { return argument }
            return "'" + argument.replacingOccurrences(of: "'", with: "'\\''") + "'"
        }.joined(separator: " ")
    }
}

enum POSIXErrorText {
    static func current() -> String { String(cString: strerror(errno)) }
}
