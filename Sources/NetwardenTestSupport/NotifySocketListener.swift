import Foundation
import Glibc
import NetwardenPlatform
import Synchronization

/// Stands in for systemd's end of the notify protocol: a real `AF_UNIX` datagram socket (a file
/// in a fresh temporary directory, or an abstract-namespace name) whose address goes into
/// `$NOTIFY_SOCKET` of the code under test.
///
/// Every datagram is kept with its arrival time, so tests can check cadence (watchdog interval)
/// as well as content. Tests `await` messages (`next`, `message(where:)`) with a timeout instead
/// of sleeping; a timeout error lists everything received so a failure explains itself.
///
/// A background thread receives (poll with a short timeout, so `close()` is prompt). `close()`,
/// also run by `deinit`, stops it, closes the socket and removes the socket file and directory.
public final class NotifySocketListener: Sendable {
    /// One datagram as the manager would see it.
    public struct Message: Sendable, CustomStringConvertible {
        /// The raw text: assignments separated by newlines.
        public let text: String
        /// When the receiving thread got it.
        public let arrival: ContinuousClock.Instant

        /// The `NAME=value` lines, in order.
        public var lines: [String] { text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) }

        /// The value of `name`, if the message assigns it.
        public subscript(name: String) -> String? {
            for line in lines {
                guard let equals = line.firstIndex(of: "=") else { continue }
                if line[..<equals] == name { return String(line[line.index(after: equals)...]) }
            }
            return nil
        }

        public var description: String { text.replacingOccurrences(of: "\n", with: "\\n") }
    }

    /// Thrown when a wait runs out or the listener closes first.
    public struct WaitError: Error, CustomStringConvertible {
        public let message: String
        /// Everything received up to then, for the failure report.
        public let received: [String]
        public var description: String { "\(message); received: \(received)" }
    }

    /// The socket's address.
    public let address: UnixSocketAddress
    /// What to put in `$NOTIFY_SOCKET`.
    public var notifySocket: String { address.description }
    /// `["NOTIFY_SOCKET": notifySocket]`, to merge into a child's or notifier's environment.
    public var environment: [String: String] { ["NOTIFY_SOCKET": notifySocket] }

    private let inbox = Inbox()
    private let descriptor: Int32
    private let directory: String?
    private let closed = Atomic<Bool>(false)
    private let receiverDone = DispatchSemaphore(value: 0)

    /// A socket file `notify.sock` in a new directory under /tmp (short, so it fits `sun_path`).
    public static func path() throws -> NotifySocketListener {
        var template = Array("/tmp/nw-notify-XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw SystemError("mkdtemp", context: "notify listener") }
        let directory = String(cString: created)
        do {
            return try NotifySocketListener(
                address: UnixSocketAddress(path: directory + "/notify.sock"),
                directory: directory
            )
        } catch {
            rmdir(directory)
            throw error
        }
    }

    /// A socket in the abstract namespace (`@netwarden-test-…`): no file at all.
    public static func abstract() throws -> NotifySocketListener {
        try NotifySocketListener(
            address: UnixSocketAddress(abstractName: "netwarden-test-\(getpid())-\(UUID().uuidString.prefix(8))"),
            directory: nil
        )
    }

    private init(address: UnixSocketAddress, directory: String?) throws {
        self.address = address
        self.directory = directory
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError("socket", context: "notify listener") }
        let bound = address.withSockAddr { bind(fd, $0, $1) }
        guard bound == 0 else {
            let error = SystemError("bind", context: "notify listener at \(address)")
            Glibc.close(fd)
            throw error
        }
        descriptor = fd
        let inbox = inbox
        let done = receiverDone
        // The thread holds the inbox and the descriptor, not `self`, so dropping the listener
        // still runs deinit (which stops the thread).
        let thread = Thread {
            Self.receive(on: fd, into: inbox)
            done.signal()
        }
        thread.name = "notify-listener"
        thread.start()
    }

    deinit { close() }

    /// Stops receiving, closes the socket, removes its file. Pending waits fail. Idempotent.
    public func close() {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        inbox.stop.store(true, ordering: .releasing)
        receiverDone.wait()
        Glibc.close(descriptor)
        if case .path(let path) = address.kind { unlink(path) }
        if let directory { rmdir(directory) }
        inbox.failAll(WaitError(message: "listener closed", received: inbox.texts))
    }

    /// Every message so far, oldest first.
    public var messages: [Message] { inbox.state.withLock { $0.messages } }

    /// The next message not yet returned by `next` or `message(where:)`.
    public func next(timeout: Duration = .seconds(10)) async throws -> Message {
        try await message(timeout: timeout, where: { _ in true })
    }

    /// The first message, from the read position on, for which `predicate` holds; the read
    /// position moves past it, so consecutive waits see messages in order.
    public func message(
        timeout: Duration = .seconds(10),
        where predicate: @escaping @Sendable (Message) -> Bool
    ) async throws -> Message {
        let id = inbox.reserve()
        let inbox = inbox
        let timer = Task {
            try? await Task.sleep(for: timeout)
            guard !Task.isCancelled else { return }
            inbox.finish(
                id,
                with: WaitError(message: "no matching notify message within \(timeout)", received: inbox.texts)
            )
        }
        defer { timer.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                inbox.wait(id, predicate: predicate, continuation: continuation)
            }
        } onCancel: {
            inbox.finish(id, with: CancellationError())
        }
    }

    private static func receive(on fd: Int32, into inbox: Inbox) {
        // systemd reads notify datagrams into a PIPE_BUF buffer; allow far more so a test can
        // see an oversized message rather than a truncated one.
        var buffer = [UInt8](repeating: 0, count: 65536)
        while !inbox.stop.load(ordering: .acquiring) {
            var pollfd = Glibc.pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pollfd, 1, 20)
            guard ready > 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            guard count >= 0 else { continue }
            let text = String(decoding: buffer[0..<count], as: UTF8.self)
            inbox.deliver(Message(text: text, arrival: .now))
        }
    }
}

/// The state shared between the receiving thread and waiting tasks.
private final class Inbox: Sendable {
    typealias Message = NotifySocketListener.Message

    /// A wait goes reserved -> waiting -> gone. A timeout or cancellation can arrive before the
    /// continuation is registered; `failed` holds it until then so the wait still ends.
    enum Slot {
        case reserved
        case failed(any Error)
        case waiting(predicate: @Sendable (Message) -> Bool, continuation: CheckedContinuation<Message, any Error>)
    }

    struct State {
        var messages: [Message] = []
        /// Index of the first message waits may still return.
        var readPosition = 0
        var slots: [UInt64: Slot] = [:]
        var nextID: UInt64 = 0
    }

    let state = Mutex(State())
    let stop = Atomic<Bool>(false)

    var texts: [String] { state.withLock { $0.messages.map(\.description) } }

    func reserve() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            state.slots[state.nextID] = .reserved
            return state.nextID
        }
    }

    func wait(
        _ id: UInt64,
        predicate: @escaping @Sendable (Message) -> Bool,
        continuation: CheckedContinuation<Message, any Error>
    ) {
        let result: Result<Message, any Error>? = state.withLock { state in
            switch state.slots[id] {
            case .failed(let error):
                state.slots[id] = nil
                return .failure(error)
            case .reserved:
                if let index = state.messages.indices.dropFirst(state.readPosition).first(where: {
                    predicate(state.messages[$0])
                }) {
                    state.slots[id] = nil
                    state.readPosition = index + 1
                    return .success(state.messages[index])
                }
                state.slots[id] = .waiting(predicate: predicate, continuation: continuation)
                return nil
            case .waiting, nil:
                // A wait registers once; reaching here would be a bug in this file.
                preconditionFailure("notify listener wait \(id) registered twice")
            }
        }
        if let result { continuation.resume(with: result) }
    }

    func finish(_ id: UInt64, with error: any Error) {
        let continuation: CheckedContinuation<Message, any Error>? = state.withLock { state in
            switch state.slots[id] {
            case .reserved:
                state.slots[id] = .failed(error)
                return nil
            case .waiting(_, let continuation):
                state.slots[id] = nil
                return continuation
            case .failed, nil:
                return nil
            }
        }
        continuation?.resume(throwing: error)
    }

    func deliver(_ message: Message) {
        let woken: [(CheckedContinuation<Message, any Error>, Message)] = state.withLock { state in
            state.messages.append(message)
            let index = state.messages.count - 1
            // Oldest wait first; once one takes the message the read position is past it.
            for id in state.slots.keys.sorted() {
                guard index >= state.readPosition, case .waiting(let predicate, let continuation) = state.slots[id],
                    predicate(message)
                else { continue }
                state.slots[id] = nil
                state.readPosition = index + 1
                return [(continuation, message)]
            }
            return []
        }
        // Resume outside the lock: the resumed task may immediately wait again.
        for (continuation, message) in woken { continuation.resume(returning: message) }
    }

    func failAll(_ error: any Error) {
        let waiting: [CheckedContinuation<Message, any Error>] = state.withLock { state in
            var waiting: [CheckedContinuation<Message, any Error>] = []
            for (id, slot) in state.slots {
                switch slot {
                case .waiting(_, let continuation):
                    waiting.append(continuation)
                    state.slots[id] = nil
                case .reserved:
                    state.slots[id] = .failed(error)
                case .failed:
                    break
                }
            }
            return waiting
        }
        for continuation in waiting { continuation.resume(throwing: error) }
    }
}
