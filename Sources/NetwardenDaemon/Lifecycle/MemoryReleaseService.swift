import Logging
import NetwardenPlatform
import ServiceLifecycle

/// Hands back what start-up (and each reload) needed once and the idle daemon does not: free
/// allocator memory left by parsing the config and loading lists, and the code and read-only
/// data pages only start-up ran (`CleanFilePages`). Without it the idle daemon carries its
/// start-up footprint, mostly file pages mapped around faults, in its RSS for its whole run.
///
/// It waits until every part has done its first unit of work, then `settle` more so the first
/// probe round and delivery have run, and releases once; after each applied reload it waits
/// `settle` again and releases again. The pages the running daemon uses come back on their next
/// use with a minor fault; nothing it holds is lost.
public struct MemoryReleaseService<Reloads: AsyncSequence & Sendable>: Service where Reloads.Element: Sendable {
    /// What one release returned: clean file mappings advised and their resident size before.
    public typealias Release = @Sendable () -> CleanFilePages.Report

    /// After start-up or a reload, long enough for a round of probes, link samples and uploads.
    public static var defaultSettle: Duration { .seconds(30) }

    private let liveness: LivenessMonitor
    private let reloads: Reloads
    private let settle: Duration
    private let release: Release
    private let logger: Logger

    public init(
        liveness: LivenessMonitor,
        reloads: Reloads,
        settle: Duration = Self.defaultSettle,
        release: @escaping Release = Self.releaseStartupMemory,
        logger: Logger
    ) {
        self.liveness = liveness
        self.reloads = reloads
        self.settle = settle
        self.release = release
        var logger = logger
        logger[metadataKey: "component"] = "lifecycle"
        self.logger = logger
    }

    /// The real release: clean file pages of this process, then free allocator pages (last, so
    /// the smaps text read on the way is returned too).
    @Sendable public static func releaseStartupMemory() -> CleanFilePages.Report {
        let report = CleanFilePages.release()
        FreeMemoryRelease.releaseFreeMemory()
        return report
    }

    public func run() async throws {
        while !liveness.allStarted {
            await ShutdownAware.sleep(for: .milliseconds(50))
            if ShutdownAware.shouldStop { return }
        }
        await releaseAfterSettling(after: "start-up")
        for try await _ in reloads.cancelOnGracefulShutdown() {
            await releaseAfterSettling(after: "reload")
        }
    }

    private func releaseAfterSettling(after event: String) async {
        await ShutdownAware.sleep(for: settle)
        if ShutdownAware.shouldStop { return }
        let report = release()
        logger.debug(
            "released memory only \(event) needed",
            metadata: [
                "mappings": "\(report.mappings)", "resident_kib": "\(report.residentKiB)",
                "failures": "\(report.failures)",
            ]
        )
    }
}
