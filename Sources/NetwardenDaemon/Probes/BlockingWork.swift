import NetwardenPlatform

/// Runs blocking work (a poll loop, `curl_easy_perform`, `getaddrinfo`) on a thread of its own,
/// never on Swift's cooperative pool: that pool has one thread per core (two here), and two slow
/// probes blocking it would stall every other task in the daemon.
enum BlockingWork {
    static func run<T: Sendable>(_ name: String, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let started = DetachedThread.start { continuation.resume(returning: work()) }
            // Out of threads (RLIMIT_NPROC): run inline rather than lose the result; the probe
            // still completes, at the cost of briefly occupying a pool thread.
            if !started { continuation.resume(returning: work()) }
        }
    }
}
