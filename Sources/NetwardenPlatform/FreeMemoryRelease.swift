import Glibc

/// Hands memory the allocator keeps after a burst of work back to the system.
///
/// glibc's malloc keeps freed memory in its per-thread arenas for reuse rather than returning it,
/// so a daemon that drained a large spool backlog (tens of MiB of decoded records and request
/// bodies, freed batch by batch) would otherwise sit at that high-water mark for the rest of its
/// run. `malloc_trim(0)` returns the free pages of every arena. It is looked up at run time
/// because the Glibc module does not declare it (and a C library without it simply has nothing
/// to trim).
public enum FreeMemoryRelease {
    private typealias Trim = @convention(c) (Int) -> Int32

    private static let trim: Trim? = dlsym(nil, "malloc_trim").map {
        unsafeBitCast($0, to: Trim.self)
    }

    /// Returns free allocator memory to the system. Takes a few milliseconds; call after a burst,
    /// not routinely.
    public static func releaseFreeMemory() {
        _ = trim?(0)
    }
}
