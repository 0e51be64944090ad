import Glibc

/// Starts a detached POSIX thread for blocking work (poll loops, `curl_easy_perform`,
/// `getaddrinfo`), which must never run on Swift's cooperative pool (one thread per core).
///
/// pthreads directly rather than Foundation's Thread, so the daemon needs only
/// FoundationEssentials (see `AppendOnlyFile`).
public enum DetachedThread {
    private final class Box {
        let work: () -> Void
        init(_ work: @escaping () -> Void) { self.work = work }
    }

    /// Runs `work` on a new thread with a `stackSize`-byte stack; returns false if the thread
    /// could not be created (then `work` is not run).
    @discardableResult
    public static func start(stackSize: Int = 512 * 1024, _ work: @escaping @Sendable () -> Void) -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        pthread_attr_setstacksize(&attributes, stackSize)
        let context = Unmanaged.passRetained(Box(work)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(
            &thread,
            &attributes,
            { context in
                let box = Unmanaged<Box>.fromOpaque(context!).takeRetainedValue()
                box.work()
                return nil
            },
            context
        )
        if status != 0 {
            Unmanaged<Box>.fromOpaque(context).release()
            return false
        }
        return true
    }
}
