import Glibc
import NetwardenPlatform
import Synchronization

/// Writes log lines to a file descriptor (stderr: the journal, under systemd) from a thread of
/// its own, through a bounded queue, so logging never blocks the daemon.
///
/// A journal that stalls, or stderr a pipe nobody reads, blocks `write(2)`. Done inline, that
/// would block whichever service was logging, then graceful shutdown, until ServiceGroup's
/// cancellation limit kills the process. Here only the writer thread waits; when the queue is
/// full new lines are dropped and counted (`netwarden_log_lines_dropped_total`), because losing
/// log lines is better than losing the daemon's work.
public final class BoundedLogWriter: Sendable {
    /// Lines held while the output is slow; beyond this they are dropped.
    public static let defaultCapacity = 2048
    /// Bytes held, for the same reason: a few huge lines must not grow memory without bound.
    public static let defaultByteCapacity = 1 << 20

    private struct Queue {
        var lines: [[UInt8]] = []
        var head = 0
        var bytes = 0
        var dropped = 0
        /// The writer thread is inside write(2) with a line it took from the queue.
        var writing = false

        var count: Int { lines.count - head }

        mutating func pop() -> [UInt8]? {
            guard head < lines.count else { return nil }
            let line = lines[head]
            head += 1
            bytes -= line.count
            // Compact now and then rather than removing at the front on every line.
            if head > 256 && head * 2 > lines.count {
                lines.removeFirst(head)
                head = 0
            }
            return line
        }
    }

    private let descriptor: Int32
    private let capacity: Int
    private let byteCapacity: Int
    private let queue = Mutex(Queue())
    private let hasWriter = Atomic<Bool>(false)
    /// Counts queued lines; the writer thread sleeps on it. A POSIX semaphore because the writer
    /// is a plain thread, not a task, and `sem_post` never blocks the logging thread.
    /// `nonisolated(unsafe)`: POSIX semaphores are made to be shared between threads.
    nonisolated(unsafe) private let available: UnsafeMutablePointer<sem_t>
    /// Whether `usesJournalPrefix`: lines get `<N>` priorities instead of timestamps.
    public let journald: Bool

    /// Starts the writer thread for `descriptor` (not owned: it is never closed).
    public init(
        descriptor: Int32 = 2,
        journald: Bool,
        capacity: Int = BoundedLogWriter.defaultCapacity,
        byteCapacity: Int = BoundedLogWriter.defaultByteCapacity
    ) {
        self.descriptor = descriptor
        self.journald = journald
        self.capacity = capacity
        self.byteCapacity = byteCapacity
        available = .allocate(capacity: 1)
        sem_init(available, 0, 0)
        // The thread holds the writer for the life of the process (the log outlives everything).
        // The thread holds the writer for the life of the process (the log outlives every
        // service), so the semaphore is never destroyed.
        let started = DetachedThread.start(stackSize: 128 * 1024) { [self] in writeLoop() }
        // Without a thread, lines are dropped and counted rather than written inline (which
        // could block); the process is then short of threads and has bigger problems.
        hasWriter.store(started, ordering: .releasing)
    }

    /// Queues one line (without its newline). Never blocks on the output.
    public func append(_ line: String) {
        var bytes = Array(line.utf8)
        bytes.append(UInt8(ascii: "\n"))
        let writer = hasWriter.load(ordering: .acquiring)
        let queued = queue.withLock { queue -> Bool in
            if !writer || queue.count >= capacity || queue.bytes + bytes.count > byteCapacity {
                queue.dropped += 1
                return false
            }
            queue.bytes += bytes.count
            queue.lines.append(bytes)
            return true
        }
        if queued { sem_post(available) }
    }

    /// Lines dropped so far because the output could not keep up (or was gone).
    public var dropped: Int { queue.withLock { $0.dropped } }

    /// Lines waiting to be written.
    public var pending: Int { queue.withLock { $0.count + ($0.writing ? 1 : 0) } }

    /// Waits until every queued line is written or `timeout` passes; returns whether it drained.
    /// For the last lines before exit; a stalled output costs at most `timeout`.
    @discardableResult
    public func flush(timeout: Duration) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while pending > 0 {
            if ContinuousClock.now >= deadline { return false }
            var pause = timespec(tv_sec: 0, tv_nsec: 2_000_000)
            nanosleep(&pause, nil)
        }
        return true
    }

    private func writeLoop() {
        // A closed reader must make write(2) fail with EPIPE on this thread, not kill the
        // process: block SIGPIPE here (a thread-directed signal that then just stays pending).
        var pipeSignal = sigset_t()
        sigemptyset(&pipeSignal)
        sigaddset(&pipeSignal, SIGPIPE)
        pthread_sigmask(SIG_BLOCK, &pipeSignal, nil)
        while true {
            while sem_wait(available) != 0 {}  // EINTR only
            let line = queue.withLock { queue -> [UInt8]? in
                let line = queue.pop()
                queue.writing = line != nil
                return line
            }
            guard let line else { continue }
            let complete = writeAll(line)
            queue.withLock { queue in
                queue.writing = false
                if !complete { queue.dropped += 1 }
            }
        }
    }

    /// One write(2) per line where possible keeps lines whole when the journal reads them.
    private func writeAll(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return false  // output gone (closed pipe): nothing sensible left to do with a line
                }
                offset += written
            }
            return true
        }
    }
}
