import Foundation
import Glibc
import NetwardenSpool
import NetwardenTestSupport
import Testing

/// A real ENOSPC from a 1 MiB tmpfs: needs root to mount it.
@Suite(.enabled(if: getuid() == 0, "needs root to mount a 1 MiB tmpfs"), .timeLimit(.minutes(2)))
struct SpoolDiskFullTests {
    @Test func fullDiskDropsCountsWarnsOnceLeavesNoTornRecordAndRecovers() async throws {
        try await withAsyncTemporaryDirectory { mountPoint in
            let mounted = try await Command(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).run(
                check: false
            )
            try #require(mounted.succeeded, "mount failed: \(mounted.standardErrorText)")
            defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
            let directory = mountPoint + "/spool"
            let configuration = SpoolConfiguration(
                directory: directory,
                segmentBytes: 64 << 10,
                maxBytes: 64 << 20,
                maxFileSystemFraction: 0
            )
            let spool = try Spool.open(configuration, nowMilliseconds: 0)
            spool.register(consumer: "uplink")

            // Fill the file system with a file the spool does not own, then append until it fails.
            let filler = directory + "/filler"
            let fillerBytes = [UInt8](repeating: 0xaa, count: 900 << 10)
            writeBytes(filler, fillerBytes)
            var appended: [UInt64] = []
            var warnings: [SpoolWarning] = []
            var diskFull = 0
            for index in 0..<2000 {
                let result = spool.append([payload(index, padding: 180)], timestampMilliseconds: Int64(index))
                appended += result.sequences
                diskFull += result.dropped[.diskFull] ?? 0
                if let warning = result.warning { warnings.append(warning) }
            }
            #expect(diskFull > 0)
            #expect(warnings.count == 1 && warnings.first?.isRecovery == false)
            #expect(spool.statistics.droppedRecords[.diskFull] == UInt64(diskFull))

            // Nothing torn: the segments scan clean and hold exactly what was appended.
            let stored = SpoolTests.readAll(spool, consumer: "uplink")
            #expect(stored.map(\.sequence) == appended)
            #expect(stored.map(\.sequence) == Array(1...UInt64(appended.count)))

            // Space returns: appends work again at once, and once they have worked for ten
            // seconds (of record time) there is one recovery notice.
            unlink(filler)
            let recovered = spool.append([payload(5000)], timestampMilliseconds: 5000)
            #expect(recovered.sequences == [UInt64(appended.count + 1)])
            #expect(recovered.warning == nil)
            let notice = spool.append([payload(15_000)], timestampMilliseconds: 15_000).warning
            #expect(notice?.isRecovery == true)
            #expect(notice?.message.contains("(\(diskFull) records dropped meanwhile)") == true)
            #expect(spool.append([payload(15_001)], timestampMilliseconds: 15_001).warning == nil)
            spool.close()

            let reopened = try Spool.open(configuration, nowMilliseconds: 0)
            #expect(reopened.statistics.corruptRegionsSkipped == 0 && reopened.statistics.tornTailsTruncated == 0)
            #expect(SpoolTests.readAll(reopened, consumer: "uplink").count == appended.count + 3)
            reopened.close()
        }
    }

    /// A file system smaller than one segment, filled while the consumer was away: everything
    /// is in the active segment. Once the consumer has it all, acknowledging (which needs no new
    /// space) seals and deletes that segment, so new records are stored again with nothing else
    /// freeing space.
    @Test func deliveringEverythingOnAFullDiskFreesTheActiveSegment() async throws {
        try await withAsyncTemporaryDirectory { mountPoint in
            let mounted = try await Command(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).run(
                check: false
            )
            try #require(mounted.succeeded, "mount failed: \(mounted.standardErrorText)")
            defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
            let configuration = SpoolConfiguration(
                directory: mountPoint + "/spool",
                segmentBytes: 8 << 20,
                maxBytes: 64 << 20,
                maxFileSystemFraction: 0
            )
            let spool = try Spool.open(configuration, nowMilliseconds: 0)
            spool.register(consumer: "uplink")
            writeBytes(mountPoint + "/filler", [UInt8](repeating: 0xaa, count: 700 << 10))
            var diskFull = 0
            var index = 0
            while diskFull == 0 && index < 20_000 {
                diskFull +=
                    spool.append([payload(index, padding: 180)], timestampMilliseconds: Int64(index))
                    .dropped[.diskFull] ?? 0
                index += 1
            }
            try #require(diskFull > 0, "the file system never filled")
            let stored = SpoolTests.readAll(spool, consumer: "uplink")
            let last = try #require(stored.last?.sequence)

            spool.acknowledge(consumer: "uplink", through: last)
            #expect(spool.acknowledgedSequence(consumer: "uplink") == last)
            let recovered = spool.append([payload(50_000)], timestampMilliseconds: 50_000)
            #expect(recovered.sequences == [last + 1])
            spool.close()

            // The acknowledgement written in place on the full disk is durable and readable.
            let reopened = try Spool.open(configuration, nowMilliseconds: 0)
            #expect(reopened.acknowledgedSequence(consumer: "uplink") == last)
            #expect(SpoolTests.readAll(reopened, consumer: "uplink", after: last).map(\.sequence) == [last + 1])
            reopened.close()
        }
    }

    /// A disk hovering at full: now and then something frees a little space, a few records
    /// squeeze in, and the disk is full again. That is one failure run with one warning, not a
    /// warning and a recovery notice per squeeze; the notice comes once writes keep working.
    @Test func aDiskHoveringAtFullWarnsOnce() async throws {
        try await withAsyncTemporaryDirectory { mountPoint in
            let mounted = try await Command(["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mountPoint]).run(
                check: false
            )
            try #require(mounted.succeeded, "mount failed: \(mounted.standardErrorText)")
            defer { _ = umount2(mountPoint, Int32(MNT_DETACH)) }
            let configuration = SpoolConfiguration(
                directory: mountPoint + "/spool",
                segmentBytes: 64 << 10,
                maxBytes: 64 << 20,
                maxFileSystemFraction: 0
            )
            let spool = try Spool.open(configuration, nowMilliseconds: 0)
            spool.register(consumer: "uplink")
            let filler = mountPoint + "/filler"
            var fillerBytes = 900 << 10
            writeBytes(filler, [UInt8](repeating: 0xaa, count: fillerBytes))
            var warnings: [SpoolWarning] = []
            var squeezedIn = 0
            var index = 0
            func appendUntilFull() {
                for _ in 0..<5000 {
                    let result = spool.append([payload(index, padding: 180)], timestampMilliseconds: Int64(index))
                    index += 1
                    if let warning = result.warning { warnings.append(warning) }
                    if result.droppedCount > 0 { return }
                    squeezedIn += result.appendedCount
                }
            }
            appendUntilFull()
            for _ in 0..<10 {
                // Something else gives back two pages.
                fillerBytes -= 8 << 10
                #expect(truncate(filler, off_t(fillerBytes)) == 0)
                appendUntilFull()
            }
            #expect(squeezedIn > 0)
            #expect(warnings.count == 1 && warnings.first?.isRecovery == false, "\(warnings)")

            // Space returns for good: the notice comes once writes have kept working.
            unlink(filler)
            let start = Int64(index)
            #expect(spool.append([payload(index)], timestampMilliseconds: start).warning == nil)
            #expect(spool.append([payload(index + 1)], timestampMilliseconds: start + 9_999).warning == nil)
            #expect(
                spool.append([payload(index + 2)], timestampMilliseconds: start + 10_000).warning?.isRecovery == true
            )
            spool.close()
        }
    }
}
