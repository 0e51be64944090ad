// CCurl only for `pthread_attr_t()`: MemberImportVisibility credits that C struct's zero
// initializer to the first Clang module here whose headers include <pthread.h>, which is curl's.
import CCurl
import Glibc
import NetwardenCore
import Synchronization

/// One POSIX thread that runs a client's transfers one at a time, in submission order, each
/// with the thread's `Context` (the curl handle and its state).
///
/// A thread rather than the cooperative pool: `curl_easy_perform` blocks for up to the request
/// timeout, and the pool has one thread per core (two on a gateway). One long-lived thread per
/// client rather than one per post: the handle and its kept-alive connection then belong to a
/// single thread for their whole life, calls are serialised by construction (a curl handle is
/// not thread-safe), and the thread inherits the network namespace of the thread that made
/// the client, so sockets curl opens later live there too (lab tests, a management namespace).
/// pthreads directly, not NetwardenPlatform's DetachedThread, so the module that wraps curl does
/// not depend on the packet decoders.
final class UploadWorkerThread<Context>: Sendable {
    typealias Job = @Sendable (Context) -> Void

    private let queue: JobQueue

    /// Starts the thread, which owns `context` from now on and releases it when it ends.
    init(context: Context) throws(UploadError) {
        let queue = JobQueue()
        self.queue = queue
        // The context is handed over before the thread uses it and never touched here again.
        let handoff = Handoff(context)
        let status = UploadThreadStarter.start {
            let context = handoff.take()
            while let job = queue.next() { job(context) }
        }
        guard status == 0 else {
            throw UploadError(
                code: .internal,
                message: "could not start the upload thread: \(String(cString: strerror(status)))"
            )
        }
    }

    /// The thread finishes the jobs already queued, then ends and releases the context.
    deinit { queue.close() }

    /// Queues `job`; it runs after every job submitted before it.
    func submit(_ job: @escaping Job) {
        queue.submit(job)
    }

    /// Moves the non-Sendable context from the creating thread to the worker exactly once.
    private final class Handoff: @unchecked Sendable {
        private var context: Context?
        init(_ context: Context) { self.context = context }
        func take() -> Context {
            defer { context = nil }
            return context!
        }
    }

    /// Jobs in order, and a counting semaphore the worker sleeps on (one post per job, one for
    /// closing), so an idle worker uses no CPU.
    private final class JobQueue: @unchecked Sendable {
        private struct State {
            var jobs: [Job] = []
            var isClosed = false
        }
        private let state = Mutex(State())
        // sem_t must not move, so it lives in its own allocation; unchecked Sendable for it.
        private let available: UnsafeMutablePointer<sem_t>

        init() {
            available = .allocate(capacity: 1)
            sem_init(available, 0, 0)
        }

        deinit {
            sem_destroy(available)
            available.deallocate()
        }

        func submit(_ job: @escaping Job) {
            state.withLock { $0.jobs.append(job) }
            sem_post(available)
        }

        func close() {
            state.withLock { $0.isClosed = true }
            sem_post(available)
        }

        /// The next job, blocking while there is none; nil once closed and drained.
        func next() -> Job? {
            while true {
                while sem_wait(available) != 0 {}  // EINTR: a signal arrived; wait again
                let (job, finished) = state.withLock { state -> (Job?, Bool) in
                    state.jobs.isEmpty ? (nil, state.isClosed) : (state.jobs.removeFirst(), false)
                }
                if let job { return job }
                if finished { return nil }
            }
        }
    }
}

/// Outside the generic class: the region checker of Swift 6.3.1 crashes on this closure when
/// it sits in a generic context.
private enum UploadThreadStarter {
    private final class ThreadStart {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// pthread_create for a detached thread running `body`; returns its error number.
    static func start(_ body: @escaping @Sendable () -> Void) -> Int32 {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        // curl with OpenSSL runs comfortably in 512 KiB (the HTTP probes' threads use the same).
        pthread_attr_setstacksize(&attributes, 512 * 1024)
        let retained = Unmanaged.passRetained(ThreadStart(body)).toOpaque()
        var thread: pthread_t = 0
        let status = pthread_create(
            &thread,
            &attributes,
            { raw in
                let start = Unmanaged<ThreadStart>.fromOpaque(raw!).takeRetainedValue()
                start.body()
                return nil
            },
            retained
        )
        if status != 0 { Unmanaged<ThreadStart>.fromOpaque(retained).release() }
        return status
    }
}
