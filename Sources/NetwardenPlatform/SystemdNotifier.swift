import FoundationEssentials
import Glibc
import Synchronization

/// systemd's notify protocol (`sd_notify(3)`) spoken directly over the `$NOTIFY_SOCKET`
/// datagram socket, so the daemon needs no libsystemd.
///
/// Created once from the environment. When `$NOTIFY_SOCKET` is unset (run by hand, in tests,
/// under another supervisor) every call is a cheap no-op. Otherwise one `AF_UNIX`/`SOCK_DGRAM`
/// socket is opened at creation and every message is one `sendto` on it, never blocking: a full
/// queue (EAGAIN), a manager that is gone (ECONNREFUSED, ENOENT) or a bad address are counted in
/// `failureCount`, kept in `lastFailure` and handed to `onFailure` for the caller to log. Nothing
/// here can crash or stall the daemon because systemd is unreachable.
///
/// The environment is read, never modified: `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID`
/// stay set. libsystemd's `unset_environment` exists so children do not talk to the manager in
/// the parent's name; netwarden starts no children, and the unit's `NotifyAccess=main` makes the
/// manager ignore any that did.
public final class SystemdNotifier: Sendable {
    /// What happened to one message.
    public enum Outcome: Sendable {
        /// One datagram went to the manager.
        case sent
        /// Nothing to do: no `$NOTIFY_SOCKET`, or a watchdog keep-alive without a watchdog.
        case disabled
        /// The datagram could not be sent; also counted in `failureCount`.
        case failed(SystemError)
    }

    /// Where messages go, or nil when not running under a notify-aware manager.
    public let address: UnixSocketAddress?
    /// Half of `$WATCHDOG_USEC` when the manager expects keep-alives from this process, else nil.
    /// Half, as `sd_watchdog_enabled(3)` advises, so one late keep-alive is not a restart.
    public let watchdogInterval: Duration?
    /// The full `$WATCHDOG_USEC` after which the manager acts, when it applies to this process.
    public let watchdogTimeout: Duration?

    /// The socket, or -1 when disabled or when it could not be opened.
    private let descriptor: Int32
    /// Why sending cannot work at all (bad `$NOTIFY_SOCKET`, socket() failed); every send
    /// reports it instead of trying.
    private let setupFailure: SystemError?
    private let failures = Atomic<Int>(0)
    private let lastFailureBox = Mutex<SystemError?>(nil)
    private let onFailure: (@Sendable (SystemError) -> Void)?

    /// Largest STATUS= text in UTF-8 bytes. systemd reads each datagram into a PIPE_BUF (4096)
    /// buffer and drops longer ones whole, so a long summary must be cut rather than lost.
    public static let maximumStatusBytes = 1024

    /// Reads `NOTIFY_SOCKET`, `WATCHDOG_USEC` and `WATCHDOG_PID` from `environment`.
    ///
    /// - Parameters:
    ///   - environment: the process environment; tests pass their own.
    ///   - processID: this process's pid, compared with `WATCHDOG_PID`.
    ///   - onFailure: called (on the sending thread) for every message that could not be sent,
    ///     so the caller can log with its own logger and rate limit.
    public init(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        processID: pid_t = getpid(),
        onFailure: (@Sendable (SystemError) -> Void)? = nil
    ) {
        self.onFailure = onFailure

        // The watchdog is ours only if WATCHDOG_PID is absent or names us: the variables are
        // inherited, and a child must not keep its parent's watchdog alive.
        let watchdogPIDMatches = environment["WATCHDOG_PID"].map { pid_t($0) == processID } ?? true
        if watchdogPIDMatches, let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0,
            usec <= UInt64(Int64.max)
        {
            let timeout = Duration.microseconds(Int64(usec))
            watchdogTimeout = timeout
            watchdogInterval = timeout / 2
        } else {
            watchdogTimeout = nil
            watchdogInterval = nil
        }

        guard let socketText = environment["NOTIFY_SOCKET"], !socketText.isEmpty else {
            address = nil
            descriptor = -1
            setupFailure = nil
            return
        }
        do throws(SystemError) {
            let parsed = try UnixSocketAddress(parsing: socketText)
            address = parsed
            // CLOEXEC: the descriptor must not leak into anything exec'd (curl helpers, tests).
            let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
            if fd < 0 {
                descriptor = -1
                setupFailure = SystemError("socket", context: "sd_notify to \(parsed)")
            } else {
                descriptor = fd
                setupFailure = nil
            }
        } catch {
            // Still "enabled": the manager is waiting for READY=1 and will time us out, so every
            // send must report why it cannot reach it rather than pretend all is well.
            address = nil
            descriptor = -1
            setupFailure = SystemError(error.call, errno: error.errno, context: "NOTIFY_SOCKET: \(error.context)")
        }
    }

    deinit {
        if descriptor >= 0 { close(descriptor) }
    }

    /// True when `$NOTIFY_SOCKET` was set, so messages are meant to reach a manager.
    public var isEnabled: Bool { address != nil || setupFailure != nil }

    /// Messages that could not be sent so far.
    public var failureCount: Int { failures.load(ordering: .relaxed) }

    /// The most recent send failure, if any.
    public var lastFailure: SystemError? { lastFailureBox.withLock { $0 } }

    /// `READY=1`: start-up (or a reload) finished.
    public func ready() { send(["READY=1"]) }

    /// `RELOADING=1` with `MONOTONIC_USEC=`: a reload began. systemd 253+ requires the timestamp
    /// for `Type=notify-reload` (it matches it against the reload request); 252 ignores it.
    public func reloading() {
        send(["RELOADING=1", "MONOTONIC_USEC=\(MonotonicClock.nanoseconds() / 1000)"])
    }

    /// `STOPPING=1`: graceful shutdown began.
    public func stopping() { send(["STOPPING=1"]) }

    /// `STATUS=`: one line for `systemctl status`. Line breaks become spaces (a newline would end
    /// the assignment and start another) and the text is cut to `maximumStatusBytes`.
    public func status(_ text: String) {
        send(["STATUS=" + Self.truncated(Self.singleLine(text), toUTF8Bytes: Self.maximumStatusBytes)])
    }

    /// `WATCHDOG=1`, only when the manager set a watchdog for this process.
    public func watchdog() {
        guard watchdogInterval != nil else { return }
        send(["WATCHDOG=1"])
    }

    /// Sends `assignments` (each `NAME=value`) as one datagram, one per line. Line breaks and
    /// NULs inside an assignment are replaced so one assignment can never smuggle in another.
    @discardableResult
    public func send(_ assignments: [String]) -> Outcome {
        if let setupFailure { return fail(setupFailure) }
        guard let address, !assignments.isEmpty else { return .disabled }
        var message = assignments.map(Self.singleLine).joined(separator: "\n")
        let outcome: Outcome = message.withUTF8 { bytes in
            address.withSockAddr { pointer, length in
                while true {
                    // MSG_DONTWAIT: a manager that stopped reading must not freeze the caller.
                    // MSG_NOSIGNAL: no SIGPIPE, whatever the socket's state.
                    let sent = sendto(
                        descriptor,
                        bytes.baseAddress,
                        bytes.count,
                        Int32(MSG_DONTWAIT | MSG_NOSIGNAL),
                        pointer,
                        length
                    )
                    if sent >= 0 { return .sent }
                    let code = errno
                    if code == EINTR { continue }
                    return .failed(SystemError("sendto", errno: code, context: "sd_notify to \(address)"))
                }
            }
        }
        if case .failed(let error) = outcome { return fail(error) }
        return outcome
    }

    private func fail(_ error: SystemError) -> Outcome {
        failures.add(1, ordering: .relaxed)
        lastFailureBox.withLock { $0 = error }
        onFailure?(error)
        return .failed(error)
    }

    static func singleLine(_ text: String) -> String {
        guard text.contains(where: { $0.isNewline || $0 == "\0" }) else { return text }
        var result = ""
        // By Character, so a CRLF pair becomes one space, not two.
        for character in text where character != "\0" {
            result.append(character.isNewline ? " " : character)
        }
        return result
    }

    static func truncated(_ text: String, toUTF8Bytes limit: Int) -> String {
        guard text.utf8.count > limit else { return text }
        var used = 0
        var result = ""
        // Whole characters only: cutting inside one would send invalid UTF-8.
        for character in text {
            used += character.utf8.count
            if used > limit { break }
            result.append(character)
        }
        return result
    }
}
