import Foundation
import Glibc
import NetwardenTestSupport
import Synchronization
import Testing

@testable import NetwardenSpool

@Suite(.timeLimit(.minutes(3))) struct SpoolTests {
    static let now: Int64 = 1_700_000_000_000

    static func open(_ directory: String, segmentBytes: Int = 4096, maxBytes: Int64 = 1 << 30) throws -> Spool {
        try Spool.open(
            SpoolConfiguration(
                directory: directory,
                segmentBytes: segmentBytes,
                maxBytes: maxBytes,
                maxFileSystemFraction: 0
            ),
            nowMilliseconds: now
        )
    }

    /// Everything after `sequence`, read in small batches as an uploader would.
    static func readAll(_ spool: Spool, consumer: String = "test", after sequence: UInt64 = 0) -> [SpoolRecord] {
        var records: [SpoolRecord] = []
        var last = sequence
        while true {
            let batch = spool.read(consumer: consumer, after: last, maxRecords: 7, maxBytes: 1 << 20)
            guard let newest = batch.last else { return records }
            records += batch
            last = newest.sequence
        }
    }

    @Test func roundTripsPayloadsSequencesTimestampsAndIDs() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory)
            let result = spool.append([[1, 2, 3], [], payload(9)], timestampMilliseconds: Self.now)
            #expect(result.sequences == [1, 2, 3] && result.dropped.isEmpty && result.warning == nil)
            let records = spool.read(consumer: "a", after: nil, maxRecords: 10, maxBytes: 1 << 20)
            #expect(records.map(\.payload) == [[1, 2, 3], [], payload(9)])
            #expect(records.map(\.sequence) == [1, 2, 3])
            #expect(records.allSatisfy { $0.timestampMilliseconds == Self.now && $0.instanceID == spool.instanceID })
            let hex = String(spool.instanceID, radix: 16)
            #expect(records[0].id == String(repeating: "0", count: 16 - hex.count) + hex + "-1")
            #expect(spool.read(consumer: "a", after: 3, maxRecords: 10, maxBytes: 1 << 20).isEmpty)
            #expect(spool.read(consumer: "a", after: 1, maxRecords: 1, maxBytes: 1 << 20).map(\.sequence) == [2])
            // maxBytes bounds the batch but never starves it.
            #expect(spool.read(consumer: "b", after: 0, maxRecords: 10, maxBytes: 1).count == 1)
            #expect(spool.statistics.records == 3 && spool.statistics.appendedRecords == 3)
            spool.sync()
            spool.close()
            #expect(spool.append([[1]], timestampMilliseconds: Self.now).dropped == [.closed: 1])
            let reopened = try Self.open(directory)
            #expect(reopened.instanceID == spool.instanceID)
            #expect(Self.readAll(reopened).map(\.payload) == [[1, 2, 3], [], payload(9)])
            #expect(reopened.append([[4]], timestampMilliseconds: Self.now).sequences == [4])
        }
    }

    @Test func rollsSegmentsAndReadsAcrossThem() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 1024)
            for index in 0..<500 {
                #expect(
                    spool.append([payload(index, padding: index % 90)], timestampMilliseconds: Self.now).appendedCount
                        == 1
                )
            }
            let files = segmentFiles(directory)
            #expect(files.count > 20)
            for file in files {
                let size = fileBytes(file).count
                #expect(size <= 1024 && size > 0)
            }
            #expect(files.first!.hasSuffix("/00000000000000000001.seg"))
            let records = Self.readAll(spool)
            #expect(records.map { counter(of: $0.payload) } == Array(0..<500))
            // Random starting points find the right record through the index.
            var generator = SeededGenerator(seed: 11)
            for _ in 0..<50 {
                let after = UInt64.random(in: 0...500, using: &generator)
                let first = spool.read(consumer: "random", after: after, maxRecords: 1, maxBytes: 100).first
                #expect(first?.sequence == (after < 500 ? after + 1 : nil))
            }
            spool.close()
            #expect(Self.readAll(try Self.open(directory)).count == 500)
        }
    }

    /// A byte budget that runs out at a segment boundary must not skip the next segments.
    @Test func byteBudgetStopsAcrossSegmentsWithoutSkipping() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 1024)
            for index in 0..<300 { _ = spool.append([payload(index, padding: 92)], timestampMilliseconds: Self.now) }
            var counters: [Int] = []
            var last: UInt64 = 0
            for maxBytes in [100, 250, 900, 1000, 5000] {
                counters = []
                last = 0
                while true {
                    let batch = spool.read(consumer: "budget", after: last, maxRecords: 1000, maxBytes: maxBytes)
                    guard let newest = batch.last else { break }
                    #expect(batch.count == 1 || batch.reduce(0) { $0 + $1.payload.count } <= maxBytes)
                    counters += batch.map { counter(of: $0.payload) }
                    last = newest.sequence
                }
                #expect(counters == Array(0..<300), "maxBytes \(maxBytes)")
            }
        }
    }

    @Test func acknowledgingDeletesSegmentsOnlyOnceEveryConsumerHas() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 1024)
            spool.register(consumer: "remote-write")
            spool.register(consumer: "loki")
            for index in 0..<200 { _ = spool.append([payload(index)], timestampMilliseconds: Self.now) }
            let before = segmentFiles(directory).count
            spool.acknowledge(consumer: "remote-write", through: 200)
            #expect(segmentFiles(directory).count == before, "loki has not acknowledged anything")
            #expect(spool.backlog(consumer: "remote-write").records == 0)
            #expect(spool.backlog(consumer: "loki").records == 200)
            spool.acknowledge(consumer: "loki", through: 100)
            let after = segmentFiles(directory).count
            #expect(after < before && after > 1)
            // Nothing loki still needs is gone.
            #expect(Self.readAll(spool, consumer: "loki", after: 100).map(\.sequence) == Array(101...200))
            spool.acknowledge(consumer: "loki", through: 200)
            #expect(segmentFiles(directory).count == 1)
            #expect(spool.statistics.droppedRecords.isEmpty)
            // Acknowledging backwards does nothing.
            spool.acknowledge(consumer: "loki", through: 5)
            #expect(spool.acknowledgedSequence(consumer: "loki") == 200)
            #expect(spool.acknowledgedSequence(consumer: "nobody") == nil)
        }
    }

    @Test func anUnregisteredConsumerNoLongerHoldsSegmentsAcrossRestarts() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 1024)
            spool.register(consumer: "kept")
            spool.register(consumer: "removed")
            for index in 0..<200 { _ = spool.append([payload(index)], timestampMilliseconds: Self.now) }
            spool.acknowledge(consumer: "kept", through: 200)
            let before = segmentFiles(directory).count
            spool.unregister(consumer: "removed")
            #expect(segmentFiles(directory).count < before)
            #expect(spool.consumers == ["kept"])
            spool.close()
            let reopened = try Self.open(directory, segmentBytes: 1024)
            #expect(reopened.consumers == ["kept"])
            #expect(reopened.acknowledgedSequence(consumer: "removed") == nil)
            reopened.unregister(consumer: "never-registered")
        }
    }

    @Test func restartResumesAtTheDurableAcknowledgement() throws {
        try withTemporaryDirectory { directory in
            do {
                let spool = try Self.open(directory, segmentBytes: 2048)
                spool.register(consumer: "collector")
                for index in 0..<100 {
                    _ = spool.append([payload(index)], timestampMilliseconds: Self.now + Int64(index))
                }
                let sent = spool.read(consumer: "collector", after: nil, maxRecords: 60, maxBytes: 1 << 20)
                #expect(sent.count == 60)
                spool.acknowledge(consumer: "collector", through: 40)
                // Sent 41...60 but crashed before the server's 2xx: those come back.
            }
            let spool = try Self.open(directory, segmentBytes: 2048)
            #expect(spool.consumers == ["collector"])
            #expect(spool.acknowledgedSequence(consumer: "collector") == 40)
            let backlog = spool.backlog(consumer: "collector")
            #expect(backlog.records == 60 && backlog.oldestTimestampMilliseconds == Self.now + 40)
            let again = spool.read(consumer: "collector", after: nil, maxRecords: 1000, maxBytes: 1 << 20)
            #expect(again.map(\.sequence) == Array(41...100))
            #expect(spool.append([[0]], timestampMilliseconds: Self.now).sequences == [101])
        }
    }

    @Test func newConsumersStartAtTheOldestRecordOrAtTheEnd() throws {
        try withTemporaryDirectory { directory in
            var configuration = SpoolConfiguration(directory: directory, segmentBytes: 4096, maxFileSystemFraction: 0)
            let spool = try Spool.open(configuration, nowMilliseconds: Self.now)
            for index in 0..<10 { _ = spool.append([payload(index)], timestampMilliseconds: Self.now) }
            spool.register(consumer: "first")
            #expect(spool.backlog(consumer: "first").records == 10)
            spool.close()
            configuration.newConsumerStart = .end
            let reopened = try Spool.open(configuration, nowMilliseconds: Self.now)
            reopened.register(consumer: "late")
            #expect(reopened.acknowledgedSequence(consumer: "late") == 10)
            #expect(reopened.read(consumer: "late", after: nil, maxRecords: 10, maxBytes: 1 << 20).isEmpty)
            _ = reopened.append([payload(10)], timestampMilliseconds: Self.now + 5)
            let backlog = reopened.backlog(consumer: "late")
            #expect(backlog.records == 1 && backlog.oldestTimestampMilliseconds == Self.now + 5)
        }
    }

    @Test func readerSeesRecordsWhileTheyAreAppended() async throws {
        try await withAsyncTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 8192)
            let total = 3000
            let writer = Task.detached {
                for index in 0..<total {
                    _ = spool.append([payload(index, padding: index % 50)], timestampMilliseconds: Self.now)
                    if index % 100 == 0 { spool.sync() }
                }
            }
            var received: [Int] = []
            var last: UInt64 = 0
            let deadline = ContinuousClock.now + .seconds(60)
            while received.count < total && ContinuousClock.now < deadline {
                let batch = spool.read(consumer: "live", after: last, maxRecords: 64, maxBytes: 1 << 16)
                if let newest = batch.last {
                    received += batch.map { counter(of: $0.payload) }
                    last = newest.sequence
                    spool.acknowledge(consumer: "live", through: last)
                } else {
                    await Task.yield()
                }
            }
            await writer.value
            #expect(received == Array(0..<total))
        }
    }

    @Test func concurrentAppendersGetUniqueSequencesAndLoseNothing() async throws {
        try await withAsyncTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 16384)
            let producers = 4
            let perProducer = 1000
            let sequences = SequenceCollector()
            await withTaskGroup(of: Void.self) { group in
                for producer in 0..<producers {
                    group.addTask {
                        for index in 0..<perProducer {
                            let result = spool.append(
                                [payload(producer * perProducer + index), payload(-1)],
                                timestampMilliseconds: Self.now
                            )
                            sequences.value.withLock { $0 += result.sequences }
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<50 {
                        spool.sync()
                        _ = spool.read(consumer: "racing", after: nil, maxRecords: 100, maxBytes: 1 << 20)
                    }
                }
            }
            let all = sequences.value.withLock { $0 }
            #expect(all.count == producers * perProducer * 2)
            #expect(Set(all).count == all.count)
            let records = Self.readAll(spool)
            #expect(records.map(\.sequence) == Array(1...UInt64(all.count)))
            let counters = records.map { counter(of: $0.payload) }.filter { $0 >= 0 }
            #expect(Set(counters) == Set(0..<(producers * perProducer)))
            // A batch is consecutive: the marker follows its record.
            for (index, record) in records.enumerated() where counter(of: record.payload) >= 0 {
                #expect(counter(of: records[index + 1].payload) == -1)
            }
        }
    }

    /// kill -9 in the middle of writing the last record, at every byte of it.
    @Test func tornTailAtEveryByteOffsetKeepsEveryCompleteRecord() throws {
        try withTemporaryDirectory { directory in
            do {
                let spool = try Self.open(directory, segmentBytes: 1 << 20)
                for index in 0..<5 { _ = spool.append([payload(index, padding: 60)], timestampMilliseconds: Self.now) }
            }
            let file = segmentFiles(directory)[0]
            let original = fileBytes(file)
            let lastStart = original.count - (SpoolRecordHeader.size + 68)
            for cut in lastStart..<original.count {
                writeBytes(file, Array(original[..<cut]))
                let spool = try Self.open(directory, segmentBytes: 1 << 20)
                #expect(Self.readAll(spool).map { counter(of: $0.payload) } == Array(0..<4), "cut at \(cut)")
                #expect(fileBytes(file).count == lastStart, "torn tail truncated")
                #expect(spool.statistics.tornTailsTruncated == (cut > lastStart ? 1 : 0))
                #expect(spool.statistics.corruptRegionsSkipped == 0)
                // Appends continue at a record boundary, with the lost record's sequence.
                #expect(spool.append([payload(99)], timestampMilliseconds: Self.now).sequences == [5])
                spool.close()
                #expect(
                    Self.readAll(try Self.open(directory, segmentBytes: 1 << 20)).map(\.sequence) == [1, 2, 3, 4, 5]
                )
            }
        }
    }

    @Test func bitFlipsAreSkippedCountedAndLaterRecordsStillRead() throws {
        try withTemporaryDirectory { directory in
            do {
                let spool = try Self.open(directory, segmentBytes: 1024)
                for index in 0..<60 { _ = spool.append([payload(index, padding: 40)], timestampMilliseconds: Self.now) }
            }
            let files = segmentFiles(directory)
            // Flip one payload bit in a record in the middle of the second segment.
            var bytes = fileBytes(files[1])
            bytes[bytes.count / 2] ^= 0x10
            writeBytes(files[1], bytes)
            let spool = try Self.open(directory, segmentBytes: 1024)
            let counters = Self.readAll(spool).map { counter(of: $0.payload) }
            #expect(counters.count == 59)
            #expect(counters.last == 59)
            #expect(spool.statistics.corruptRegionsSkipped == 1)
            #expect(spool.statistics.droppedRecords[.corrupt] == 1)
        }
    }

    @Test func garbageFilesZeroLengthSegmentsAndCorruptAckFilesDoNotStopOpening() throws {
        try withTemporaryDirectory { directory in
            do {
                let spool = try Self.open(directory, segmentBytes: 1024)
                spool.register(consumer: "loki")
                for index in 0..<40 { _ = spool.append([payload(index, padding: 40)], timestampMilliseconds: Self.now) }
                spool.acknowledge(consumer: "loki", through: 10)
            }
            var generator = SeededGenerator(seed: 99)
            let noise = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &generator) }
            writeBytes(directory + "/segments/notes.txt", noise)
            writeBytes(directory + "/segments/00000000000000000002.seg", [])  // zero length, between
            writeBytes(directory + "/segments/00000000000000000003.seg", noise)  // all garbage
            writeBytes(directory + "/segments/00000000000000000040.seg.tmp", noise)
            try FileManager.default.createDirectory(
                atPath: directory + "/segments/00000000000000000004.seg",
                withIntermediateDirectories: true
            )
            writeBytes(directory + "/consumers/loki.ack", Array("12 deadbeef\n".utf8))
            writeBytes(directory + "/consumers/junk", noise)
            let spool = try Self.open(directory, segmentBytes: 1024)
            let records = Self.readAll(spool)
            #expect(records.map { counter(of: $0.payload) } == Array(0..<40))
            #expect(spool.statistics.corruptRegionsSkipped >= 1)
            #expect(spool.statistics.corruptAcknowledgementFiles == 1)
            // A damaged ack means "start over": duplicates, never a loss.
            #expect(spool.acknowledgedSequence(consumer: "loki") == 0)
            #expect(spool.append([payload(40)], timestampMilliseconds: Self.now).sequences == [41])
            #expect(FileManager.default.fileExists(atPath: directory + "/segments/notes.txt"))
        }
    }

    @Test func byteCapDropsOldestSegmentsAndCountsThem() throws {
        try withTemporaryDirectory { directory in
            let spool = try Self.open(directory, segmentBytes: 1024, maxBytes: 4096)
            spool.register(consumer: "slow")
            for index in 0..<400 { _ = spool.append([payload(index, padding: 40)], timestampMilliseconds: Self.now) }
            let statistics = spool.statistics
            #expect(statistics.bytes <= 4096 + 1024)
            let kept = Self.readAll(spool, consumer: "slow", after: 0)
            #expect(kept.last.map { counter(of: $0.payload) } == 399)
            let dropped = Int(statistics.droppedRecords[.bytes] ?? 0)
            #expect(dropped + kept.count == 400)
            #expect(statistics.records == kept.count)
            let backlog = spool.backlog(consumer: "slow")
            #expect(backlog.droppedUnacknowledged == dropped && backlog.records == kept.count)
            #expect(backlog.oldestTimestampMilliseconds == Self.now)
        }
    }

    @Test func ageCapDropsExpiredSegmentsIncludingAnAgedActiveOne() throws {
        try withTemporaryDirectory { directory in
            let configuration = SpoolConfiguration(
                directory: directory,
                segmentBytes: 1024,
                maxFileSystemFraction: 0,
                maxAge: .seconds(60)
            )
            let spool = try Spool.open(configuration, nowMilliseconds: Self.now)
            for index in 0..<100 {
                _ = spool.append([payload(index, padding: 40)], timestampMilliseconds: Self.now + Int64(index) * 1000)
            }
            spool.enforceCaps(nowMilliseconds: Self.now + 100_000)
            let kept = Self.readAll(spool)
            #expect(kept.first!.timestampMilliseconds >= Self.now + 20_000 - 20_000)
            #expect(kept.last.map { counter(of: $0.payload) } == 99)
            #expect(spool.statistics.droppedRecords[.age, default: 0] + UInt64(kept.count) == 100)
            spool.enforceCaps(nowMilliseconds: Self.now + 1_000_000)
            #expect(Self.readAll(spool).isEmpty)
            #expect(spool.statistics.droppedRecords[.age] == 100)
            #expect(spool.append([[1]], timestampMilliseconds: Self.now + 1_000_000).sequences == [101])
        }
    }

    @Test func unreadableDirectoryThrowsAnErrorNamingThePath() throws {
        try withTemporaryDirectory { directory in
            writeBytes(directory + "/file", [1])
            #expect {
                _ = try Spool.open(SpoolConfiguration(directory: directory + "/file/spool"), nowMilliseconds: 0)
            } throws: { error in
                let error = error as? SpoolError
                return error?.code == .cannotCreateDirectory && error?.message.contains(directory + "/file") == true
            }
        }
    }
}

/// Sequences handed out to concurrent producers.
final class SequenceCollector: Sendable {
    let value = Mutex<[UInt64]>([])
}
