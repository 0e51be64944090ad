import Foundation
import Glibc
import NetwardenTestSupport
import Testing

/// The state directory's file system fills up while the collector is down: the daemon stays up
/// (still logging, still serving /metrics), counts what it cannot spool, says so once rather
/// than once per record, and recovers on its own when the collector returns: the backlog goes
/// out, its segments are deleted and new records are spooled and delivered again.
@Suite(
    .enabled(if: getuid() == 0, "needs root to mount a small tmpfs"),
    .requiresPrograms(.python3),
    .enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"),
    .timeLimit(.minutes(3))
)
struct DaemonDiskFullTests {
    @Test func fullDiskKeepsTheDaemonUpAndDeliveryRecovers() async throws {
        let scratch = try TemporaryDirectory(prefix: "nw-disk-full")
        let mountPoint = scratch.path + "/small"
        try FileManager.default.createDirectory(atPath: mountPoint, withIntermediateDirectories: true)
        let mounted = try await Command(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", mountPoint]).run(
            check: false
        )
        try #require(mounted.succeeded, "mount failed: \(mounted.standardErrorText)")
        var daemon: DaemonUnderTest?
        var collector: FaultyCollector?
        var failure: (any Error)?
        do {
            let started = try await FaultyCollector.start(directory: scratch.path)
            collector = started
            try await run(mountPoint: mountPoint, scratch: scratch.path, collector: started) { daemon = $0 }
        } catch {
            failure = error
        }
        // Stop everything that could hold a file on the mount before unmounting it.
        if let daemon, daemon.process.isRunning {
            daemon.signal(SIGKILL)
            _ = try? await daemon.waitForExit()
        }
        await collector?.stop()
        #expect(umount2(mountPoint, 0) == 0 || umount2(mountPoint, Int32(MNT_DETACH)) == 0)
        if let failure { throw failure }
    }

    private func run(
        mountPoint: String,
        scratch: String,
        collector: FaultyCollector,
        started: (DaemonUnderTest) -> Void
    ) async throws {
        try await collector.set(.refuse)
        let state = mountPoint + "/state"
        let config = scratch + "/netwarden.toml"
        let metricsPort = try SilentTCPListener.closedPort()
        try FaultDaemonConfig(
            stateDirectory: state,
            collectorURL: collector.baseURL,
            tokenFile: scratch + "/token",
            metricsPort: metricsPort,
            tcpProbes: 30,
            timeoutSeconds: 1
        ).write(to: config)
        // Most of the 2 MiB taken by something else (logs, a core dump), so the spool and the
        // outbox fill the rest within seconds.
        let filler = mountPoint + "/filler"
        _ = FileManager.default.createFile(atPath: filler, contents: Data(repeating: 0x5a, count: 1536 << 10))

        let daemon = try await DaemonUnderTest(arguments: ["run", "--config", config])
        started(daemon)
        try await daemon.waitForLog(containing: "netwarden ready")
        _ = try await MetricsPage.waitFor("disk_full drops", port: metricsPort, timeout: .seconds(90)) {
            ($0.value("netwarden_spool_dropped_records_total", ["reason": "disk_full"]) ?? 0) > 0
        }
        // Full for a while, with some 30 records a second being dropped.
        try await Task.sleep(for: .seconds(5))
        #expect(daemon.process.isRunning)
        // Still serving /metrics.
        let page = try await MetricsPage.waitFor("a scrape", port: metricsPort) { _ in true }
        let droppedWhileFull = page.value("netwarden_spool_dropped_records_total", ["reason": "disk_full"]) ?? 0
        #expect(droppedWhileFull > 30, "\(droppedWhileFull) records dropped as disk_full")
        let log = daemon.logLines
        let spoolWarnings = log.filter { $0.contains("spool write") && $0.contains("failed") }
        #expect(spoolWarnings.count == 1, "\(spoolWarnings)")
        // One line per kind of trouble when it starts, not one per record: the spool's warning,
        // the local outbox's error and the delivery warning from the refused collector (each
        // probe to a closed port also warns once; those are not about the disk).
        let complaints = log.filter {
            ($0.contains("level=warning") || $0.contains("level=error")) && !$0.contains("probe failed")
        }
        #expect(complaints.count <= 3, "\(complaints.count) warnings: \(complaints.prefix(10))")
        // The collector returns; nothing else frees space.
        try await collector.set(.accept())
        let returnedAt = Int64(Date().timeIntervalSince1970 * 1000)
        try await collector.waitFor("records made after the collector returned", timeout: .seconds(60)) { journal in
            journal.accepted.values.contains { $0.timestampMilliseconds > returnedAt + 2000 }
        }
        #expect(daemon.process.isRunning)
        let recoveredAt = daemon.logLines.count

        daemon.signal(SIGTERM)
        #expect(try await daemon.waitForExit(timeout: .seconds(10)).status == 0)
        // Records dropped on a full disk never got a sequence, so the spooled ones still all
        // arrived (or wait in the spool).
        let audit = DeliveryAudit(
            spooled: try SpooledSequences.read(stateDirectory: state),
            journal: collector.journal()
        )
        audit.expectNothingLostOrDuplicated()
        // Reported, not asserted: the outbox shares the file system and takes freed space too,
        // so the disk can fill again after recovery (and "work again" waits for ten quiet
        // seconds of working writes).
        let laterComplaints = daemon.logLines.dropFirst(recoveredAt).filter {
            $0.contains("level=warning") || $0.contains("level=error")
        }
        print(
            "disk full: \(Int(droppedWhileFull)) records dropped as disk_full within 5 s of filling, "
                + "\(complaints.count) warnings and errors, \(laterComplaints.count) after recovery; \(audit)"
        )
    }
}
