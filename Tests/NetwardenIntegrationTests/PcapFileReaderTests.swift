import Foundation
import Glibc
import NetwardenCapture
import NetwardenInspection
import NetwardenProtocols
import Testing

/// The in-place pcap reader against libpcap on the same files: every packet (bytes, lengths,
/// timestamp, link type), the counters and the error, in every header variant the reader takes
/// and at chunk sizes that make headers and records straddle chunks.
@Suite(.timeLimit(.minutes(2))) struct PcapFileReaderTests {
    /// One record as written into a hand-built file.
    struct Record {
        var seconds: UInt32
        var fraction: UInt32
        var captured: [UInt8]
        var originalLength: UInt32
        /// Written as the record's caplen instead of `captured.count` (corrupt files).
        var declaredCaptured: UInt32? = nil
    }

    /// A classic pcap file: header fields as given, in little- or big-endian order.
    static func pcapFile(
        magic: UInt32 = 0xa1b2_3c4d,
        bigEndian: Bool = false,
        version: (UInt16, UInt16) = (2, 4),
        snaplen: UInt32 = 262_144,
        linkType: UInt32 = 1,
        records: [Record]
    ) -> [UInt8] {
        var bytes: [UInt8] = []
        func word(_ value: UInt32) {
            let ordered = bigEndian ? value.bigEndian : value.littleEndian
            withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
        }
        func half(_ value: UInt16) {
            let ordered = bigEndian ? value.bigEndian : value.littleEndian
            withUnsafeBytes(of: ordered) { bytes.append(contentsOf: $0) }
        }
        word(magic)
        half(version.0)
        half(version.1)
        word(0)
        word(0)
        word(snaplen)
        word(linkType)
        for record in records {
            word(record.seconds)
            word(record.fraction)
            word(record.declaredCaptured ?? UInt32(record.captured.count))
            word(record.originalLength)
            bytes.append(contentsOf: record.captured)
        }
        return bytes
    }

    /// Records of every size from a bare header to a full frame, with varied timestamps.
    static func records(count: Int, fractionLimit: UInt32 = 1_000_000_000) -> [Record] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { index in
            let size = index % 7 == 0 ? 0 : Int.random(in: 1...1600, using: &generator)
            let bytes = (0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) }
            return Record(
                seconds: 1_700_000_000 &+ UInt32(index),
                fraction: UInt32.random(in: 0..<fractionLimit, using: &generator),
                captured: bytes,
                originalLength: UInt32(size + (index % 5 == 0 ? 40 : 0))
            )
        }
    }

    struct Reading: Equatable, CustomStringConvertible {
        var linkType: LinkType
        var frames: [[UInt8]] = []
        var lengths: [Int] = []
        var times: [PacketTime] = []
        var delivered: UInt64 = 0
        var truncated: UInt64 = 0
        var error: String?

        var description: String {
            "\(linkType.name): \(frames.count) frames, delivered \(delivered), truncated \(truncated), error \(error ?? "none")"
        }
    }

    static func read(_ path: String, _ mode: OfflinePacketSource.Reading) throws -> Reading {
        let source: OfflinePacketSource
        do {
            source = try OfflinePacketSource(path: path, reading: mode)
        } catch {
            return Reading(linkType: LinkType(rawValue: 0), error: "open: \(error.description)")
        }
        var reading = Reading(linkType: source.linkType)
        do {
            try source.run(until: CaptureStopFlag()) { packet in
                reading.frames.append(Array(packet.frame))
                reading.lengths.append(packet.originalLength)
                reading.times.append(packet.time)
            }
        } catch {
            reading.error = error.description
        }
        let counters = source.counters.snapshot
        reading.delivered = counters.delivered
        reading.truncated = counters.truncated
        return reading
    }

    /// Writes `bytes` to a temporary file and checks that every way of reading it agrees with
    /// libpcap; returns libpcap's reading.
    @discardableResult
    static func expectSameAsLibpcap(
        _ bytes: [UInt8],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> Reading {
        let path = NSTemporaryDirectory() + "nw-pcapreader-\(UUID().uuidString.prefix(8)).pcap"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let reference = try read(path, .libpcapOnly)
        for mode: OfflinePacketSource.Reading in [.fastest, .inPlace(chunkBytes: 4096), .inPlace(chunkBytes: 7)] {
            let reading = try read(path, mode)
            #expect(
                reading == reference,
                "\(mode): \(reading) against libpcap's \(reference)",
                sourceLocation: sourceLocation
            )
        }
        return reference
    }

    @Test func nanosecondFilesInBothByteOrders() throws {
        let records = Self.records(count: 600)
        for bigEndian in [false, true] {
            let reading = try Self.expectSameAsLibpcap(Self.pcapFile(bigEndian: bigEndian, records: records))
            #expect(reading.frames.count == 600)
            #expect(reading.error == nil)
        }
    }

    @Test func microsecondFilesScaleToNanoseconds() throws {
        let records = Self.records(count: 300, fractionLimit: 1_000_000)
        for bigEndian in [false, true] {
            let reading = try Self.expectSameAsLibpcap(
                Self.pcapFile(magic: 0xa1b2_c3d4, bigEndian: bigEndian, records: records)
            )
            #expect(reading.times.first?.nanoseconds == Int32(records[0].fraction) * 1000)
        }
    }

    /// Fractions past a second, and ones that read as negative, carry into the seconds.
    @Test func outOfRangeFractionsCarryIntoSeconds() throws {
        var records = Self.records(count: 4)
        records[0].fraction = 1_500_000_000
        records[1].fraction = UInt32(bitPattern: -1)
        records[2].fraction = UInt32.max / 2
        let reading = try Self.expectSameAsLibpcap(Self.pcapFile(records: records))
        #expect(reading.times[0] == PacketTime(seconds: Int64(records[0].seconds) + 1, nanoseconds: 500_000_000))
        #expect(reading.times[1] == PacketTime(seconds: Int64(records[1].seconds) - 1, nanoseconds: 999_999_999))
    }

    @Test func raw101ReadsAsDLTRaw() throws {
        let reading = try Self.expectSameAsLibpcap(Self.pcapFile(linkType: 101, records: Self.records(count: 20)))
        #expect(reading.linkType == .raw)
    }

    @Test func everyDecodedLinkTypeAndTheOthers() throws {
        for linkType: UInt32 in [1, 113, 228, 229, 276, 105, 127, 12, 0x0400_0001] {
            try Self.expectSameAsLibpcap(Self.pcapFile(linkType: linkType, records: Self.records(count: 10)))
        }
    }

    /// Records longer than the header's snapshot length are cut to it (the rest skipped), and
    /// a snapshot length of 0 or past the maximum means the maximum.
    @Test func recordsLongerThanTheSnapshotAreCut() throws {
        let records = Self.records(count: 200)
        let reading = try Self.expectSameAsLibpcap(Self.pcapFile(snaplen: 100, records: records))
        #expect(reading.frames.allSatisfy { $0.count <= 100 })
        #expect(reading.frames.count == 200)
        for snaplen: UInt32 in [0, 300_000, 0xffff_ffff] {
            try Self.expectSameAsLibpcap(Self.pcapFile(snaplen: snaplen, records: records))
        }
    }

    @Test func oldVersionsGoToLibpcap() throws {
        let records = Self.records(count: 20)
        for version: (UInt16, UInt16) in [(2, 3), (2, 2), (2, 5), (1, 0)] {
            let reading = try Self.expectSameAsLibpcap(Self.pcapFile(version: version, records: records))
            // libpcap reads 2.2 and 2.3 (with caplen and len swapped, or maybe) and refuses the
            // others when opening.
            #expect(
                (reading.error?.hasPrefix("open:") == true) == (version.1 > 4 || version.0 < 2),
                "\(version): \(reading)"
            )
        }
    }

    @Test func corruptAndTruncatedFilesFailWithLibpcapsWords() throws {
        var records = Self.records(count: 50)
        // A record declaring more than libpcap's maximum, with a small and a large snapshot.
        records[30].declaredCaptured = 300_000
        for snaplen: UInt32 in [1000, 262_144] {
            let reading = try Self.expectSameAsLibpcap(Self.pcapFile(snaplen: snaplen, records: records))
            #expect(reading.frames.count == 30)
            #expect(reading.error?.contains("invalid packet capture length 300000") == true, "\(reading)")
        }

        var complete = Self.records(count: 50)
        complete[49].captured = Array(repeating: 0xaa, count: 100)
        let whole = Self.pcapFile(records: complete)
        // Cut inside the last record's data, right after its header, and inside its header.
        for cut in [1, 50, 100, 108] {
            let reading = try Self.expectSameAsLibpcap(Array(whole.dropLast(cut)))
            #expect(reading.frames.count == 49)
            #expect(reading.error?.contains("truncated dump file") == true, "cut \(cut): \(reading)")
        }
        // Without the whole last record the file simply ends.
        let shorter = try Self.expectSameAsLibpcap(Array(whole.dropLast(116)))
        #expect(shorter.error == nil)
        #expect(shorter.frames.count == 49)
        // A record cut while its over-long tail is being skipped.
        var long = Self.records(count: 3)
        long[2].captured = Array(repeating: 0x55, count: 1500)
        let cutTail = Array(Self.pcapFile(snaplen: 200, records: long).dropLast(100))
        let reading = try Self.expectSameAsLibpcap(cutTail)
        #expect(reading.error?.contains("truncated dump file") == true, "\(reading)")
    }

    @Test func emptyAndHeaderOnlyFiles() throws {
        let reading = try Self.expectSameAsLibpcap(Self.pcapFile(records: []))
        #expect(reading.frames.isEmpty)
        #expect(reading.error == nil)
    }

    /// Stopping part way through a large file and dropping the source returns promptly (the
    /// read-ahead thread is stopped and joined) and leaves no thread behind.
    @Test func stoppingEarlyJoinsTheReadAheadThread() throws {
        let path = NSTemporaryDirectory() + "nw-pcapreader-\(UUID().uuidString.prefix(8)).pcap"
        try Data(Self.pcapFile(records: Self.records(count: 10_000))).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        for mode: OfflinePacketSource.Reading in [.fastest, .inPlace(chunkBytes: 65_536)] {
            for _ in 0..<5 {
                let source = try OfflinePacketSource(path: path, reading: mode)
                let stop = CaptureStopFlag()
                var delivered = 0
                try source.run(until: stop) { _ in
                    delivered += 1
                    if delivered == 10 { stop.stop() }
                }
                #expect(delivered >= 10 && delivered < 10_000)
            }
        }
    }
}
