import Foundation

/// Runs blocking work (a poll loop, `curl_easy_perform`, `getaddrinfo`) on a thread of its own,
/// never on Swift's cooperative pool: that pool has one thread per core (two here), and two slow
/// probes blocking it would stall every other task in the daemon.
enum BlockingWork {
    static func run<T: Sendable>(_ name: String, _ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                continuation.resume(returning: work())
            }
            thread.name = name
            thread.stackSize = 512 * 1024
            thread.start()
        }
    }
}
