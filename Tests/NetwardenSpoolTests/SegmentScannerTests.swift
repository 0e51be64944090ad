import NetwardenTestSupport
import Testing

@testable import NetwardenSpool

@Suite(.timeLimit(.minutes(2))) struct SegmentScannerTests {
    static func encode(_ payloads: [[UInt8]], firstSequence: UInt64 = 1) -> (bytes: [UInt8], ends: [Int]) {
        var bytes: [UInt8] = []
        var ends: [Int] = []
        for (index, payload) in payloads.enumerated() {
            payload.withUnsafeBytes {
                SpoolRecordHeader.encode(
                    payload: $0,
                    sequence: firstSequence + UInt64(index),
                    timestampMilliseconds: 1000 + Int64(index),
                    into: &bytes
                )
            }
            ends.append(bytes.count)
        }
        return (bytes, ends)
    }

    static func scan(
        _ bytes: [UInt8],
        isFinal: Bool = true
    ) -> (sequences: [UInt64], payloads: [[UInt8]], outcome: SegmentScanOutcome) {
        var sequences: [UInt64] = []
        var payloads: [[UInt8]] = []
        let outcome = bytes.withUnsafeBytes { raw in
            SegmentScanner.scan(raw, baseOffset: 0, maxPayload: 1 << 20, isFinal: isFinal) { record, payload in
                sequences.append(record.header.sequence)
                payloads.append(Array(payload))
                return true
            }
        }
        return (sequences, payloads, outcome)
    }

    @Test func headerRoundTrips() throws {
        let (bytes, _) = Self.encode([[1, 2, 3]], firstSequence: 42)
        #expect(bytes.count == SpoolRecordHeader.size + 3)
        #expect(Array(bytes.prefix(4)) == SpoolRecordHeader.magic)
        let header = try #require(bytes.withUnsafeBytes { SpoolRecordHeader.decode($0) })
        #expect(header.length == 3 && header.sequence == 42 && header.timestampMilliseconds == 1000)
        #expect(header.checksum == CRC32C.checksum(Array(bytes[8...])))
        #expect(bytes.withUnsafeBytes { SpoolRecordHeader.decode(UnsafeRawBufferPointer(rebasing: $0[1...])) } == nil)
    }

    @Test func findsEveryRecordOfACleanSegment() {
        let payloads = (0..<50).map { payload($0, padding: $0 * 3) }
        let (bytes, _) = Self.encode(payloads)
        let result = Self.scan(bytes)
        #expect(result.payloads == payloads)
        #expect(result.sequences == Array(1...50))
        #expect(result.outcome.validEnd == bytes.count && result.outcome.tailBytes == 0)
        #expect(result.outcome.corruptRegions == 0)
    }

    /// A write cut at any byte: every complete record is found, the rest is tail.
    @Test func tornTailAtEveryOffsetKeepsCompleteRecords() {
        let (bytes, ends) = Self.encode((0..<4).map { payload($0, padding: 40) })
        for cut in 0...bytes.count {
            let result = Self.scan(Array(bytes[..<cut]))
            let complete = ends.filter { $0 <= cut }.count
            #expect(result.sequences == Array(UInt64(1)..<UInt64(1 + complete)), "cut at \(cut)")
            #expect(result.outcome.validEnd == (complete == 0 ? 0 : ends[complete - 1]))
            #expect(result.outcome.tailBytes == cut - result.outcome.validEnd)
            #expect(result.outcome.corruptRegions == 0)
        }
    }

    /// A bit flip anywhere in one record loses that record only.
    @Test func bitFlipSkipsOneRecordAndResynchronises() {
        let (bytes, ends) = Self.encode((0..<5).map { payload($0, padding: 30) })
        let start = ends[1]
        for offset in start..<ends[2] {
            for bit in [0, 3, 7] {
                var damaged = bytes
                damaged[offset] ^= UInt8(1 << bit)
                let result = Self.scan(damaged)
                #expect(result.sequences == [1, 2, 4, 5], "flip at \(offset) bit \(bit)")
                #expect(result.outcome.corruptRegions == 1 && result.outcome.tailBytes == 0)
            }
        }
    }

    @Test func garbageBetweenRecordsIsSkippedAndCounted() {
        var generator = SeededGenerator(seed: 7)
        let (first, _) = Self.encode([payload(1)], firstSequence: 1)
        let (second, _) = Self.encode([payload(2)], firstSequence: 2)
        var garbage = (0..<500).map { _ in UInt8.random(in: 0...255, using: &generator) }
        garbage += SpoolRecordHeader.magic + [0xff, 0xff]  // a false marker too
        let result = Self.scan(first + garbage + second + garbage)
        #expect(result.sequences == [1, 2])
        #expect(result.outcome.corruptRegions == 1 && result.outcome.corruptBytes == garbage.count)
        #expect(result.outcome.tailBytes == garbage.count)
    }

    /// Non-final scans stop at an incomplete record and say where to continue, so reading a
    /// segment in chunks of any size finds the same records.
    @Test func chunkedScanFindsTheSameRecords() {
        let (bytes, _) = Self.encode((0..<30).map { payload($0, padding: ($0 * 37) % 200) })
        for chunk in [1, 5, 28, 29, 64, 333] {
            var sequences: [UInt64] = []
            var offset = 0
            var size = chunk
            while offset < bytes.count {
                let end = min(bytes.count, offset + size)
                let outcome = bytes[offset..<end].withUnsafeBytes { raw in
                    SegmentScanner.scan(raw, baseOffset: offset, maxPayload: 1 << 20, isFinal: end == bytes.count) {
                        record,
                        _ in
                        sequences.append(record.header.sequence)
                        return true
                    }
                }
                if outcome.resumeOffset == offset { size *= 2 } else { offset = outcome.resumeOffset }
            }
            #expect(sequences == Array(1...30), "chunk \(chunk)")
        }
    }

    @Test func segmentNamesSortAndParse() {
        #expect(SegmentName.fileName(firstSequence: 42) == "00000000000000000042.seg")
        #expect(SegmentName.firstSequence(of: "00000000000000000042.seg") == 42)
        #expect(SegmentName.firstSequence(of: SegmentName.fileName(firstSequence: .max)) == .max)
        for name in ["42.seg", "0000000000000000004x.seg", "00000000000000000042.seg.tmp", "notes.txt"] {
            #expect(SegmentName.firstSequence(of: name) == nil)
        }
    }

    @Test func acknowledgementFilesRoundTripAndRejectDamage() {
        let bytes = ConsumerAcknowledgement.encode(123_456)
        #expect(ConsumerAcknowledgement.decode(bytes) == 123_456)
        for index in bytes.indices {
            var damaged = bytes
            damaged[index] ^= 0x04
            #expect(ConsumerAcknowledgement.decode(damaged) == nil)
        }
        #expect(ConsumerAcknowledgement.decode(Array(bytes.dropLast())) == nil)
        #expect(ConsumerAcknowledgement.decode([]) == nil)
        for name in ["remote-write", "loki", "a/b", "../x", ".hidden", "ünïcode"] {
            let file = ConsumerAcknowledgement.fileName(consumer: name)
            #expect(!file.contains("/") && !file.hasPrefix("."))
            #expect(ConsumerAcknowledgement.consumer(fromFileName: file) == name)
        }
    }

    @Test func recordIDsAreInstanceAndSequence() {
        let record = SpoolRecord(instanceID: 0xab, sequence: 7, timestampMilliseconds: 0, payload: [])
        #expect(record.id == "00000000000000ab-7")
    }
}
