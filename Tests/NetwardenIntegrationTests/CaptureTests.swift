import Foundation
import Glibc
import NetwardenCapture
import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Synchronization
import Testing

private typealias School = LabTopology.School

private let editcap = LabProgram("editcap", debianPackage: "wireshark-common")

/// One packet as a test wrote it or read it back.
private struct Frame: Equatable {
    var bytes: [UInt8]
    var originalLength: Int
    var time: PacketTime
}

private func temporaryPath(_ suffix: String) -> String {
    NSTemporaryDirectory() + "netwarden-capture-\(UUID().uuidString.prefix(8))\(suffix)"
}

/// A few frames of different shapes with distinct nanosecond timestamps, the last one cut short
/// by a snapshot length as a live capture would.
private func sampleFrames() -> [Frame] {
    let client = IPAddress(ipv4: 0x0a00_0102)
    let server = IPAddress(ipv4: 0xc000_0201)
    let client6 = IPAddress(ipv6High: 0xfd00_0200_0001_0000, low: 2)
    let server6 = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 1)
    let dns = PacketBuilder.udp(
        sourcePort: 40000,
        destinationPort: 53,
        payload: [1, 2, 3, 4],
        source: client,
        destination: server
    )
    let tls = PacketBuilder.tcp(
        sourcePort: 50000,
        destinationPort: 443,
        payload: Array(repeating: 0x16, count: 300),
        source: client6,
        destination: server6
    )
    let bulk = PacketBuilder.tcp(
        sourcePort: 443,
        destinationPort: 50001,
        payload: Array(repeating: 0x17, count: 1400),
        source: server,
        destination: client
    )
    let frames = [
        PacketBuilder.frame(
            PacketBuilder.ipv4(source: client, destination: server, protocolNumber: 17, payload: dns),
            linkType: .ethernet
        ),
        PacketBuilder.frame(
            PacketBuilder.ipv6(source: client6, destination: server6, nextHeader: 6, payload: tls),
            linkType: .ethernet
        ),
        PacketBuilder.frame(
            PacketBuilder.ipv4(source: server, destination: client, protocolNumber: 6, payload: bulk),
            linkType: .ethernet
        ),
    ]
    var result = frames.enumerated().map { index, bytes in
        Frame(
            bytes: bytes,
            originalLength: bytes.count,
            time: PacketTime(seconds: 1_700_000_000 + Int64(index), nanoseconds: 123_456_789 + Int32(index))
        )
    }
    // Cut short: 200 of its bytes captured.
    result[2].bytes = Array(result[2].bytes.prefix(200))
    return result
}

private func write(_ frames: [Frame], to path: String, linkType: LinkType = .ethernet) throws {
    let dumper = try PcapDumper(path: path, linkType: linkType)
    for frame in frames { dumper.write(frame.bytes, originalLength: frame.originalLength, time: frame.time) }
    try dumper.flush()
}

private func readAll(
    _ path: String,
    filter: CaptureFilter? = nil
) throws -> (frames: [Frame], source: OfflinePacketSource) {
    let source = try OfflinePacketSource(path: path, filter: filter)
    var frames: [Frame] = []
    try source.run(until: CaptureStopFlag()) { packet in
        #expect(packet.linkType == source.linkType)
        frames.append(Frame(bytes: Array(packet.frame), originalLength: packet.originalLength, time: packet.time))
    }
    return (frames, source)
}

@Suite struct CaptureFileTests {
    @Test func pcapRoundTripKeepsBytesLengthsAndNanoseconds() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        let frames = sampleFrames()
        try write(frames, to: path)

        let (read, source) = try readAll(path)
        #expect(source.linkType == .ethernet)
        #expect(read == frames)
        let counters = source.counters.snapshot
        #expect(counters.delivered == 3)
        #expect(counters.truncated == 1)
    }

    /// Periodic work runs between batches of a file too, after each batch's packets, and once
    /// more at the end, so `analyze` expires flows on the same cadence as the daemon.
    @Test func betweenBatchesRunsAfterEachBatchOfAFile() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        let frame = sampleFrames()[0]
        try write(Array(repeating: frame, count: 10_000), to: path)
        let source = try OfflinePacketSource(path: path)
        var delivered = 0
        var seenAtTicks: [Int] = []
        func tick() { seenAtTicks.append(delivered) }
        try source.run(until: CaptureStopFlag(), betweenBatches: tick) { _ in delivered += 1 }
        #expect(delivered == 10_000)
        #expect(seenAtTicks.first == 4096)
        #expect(seenAtTicks.last == 10_000)
        #expect(seenAtTicks == seenAtTicks.sorted())
    }

    /// libpcap does not range-check a classic file's microsecond field; a corrupt 1,500,000 µs
    /// must read as 1.5 s on, not lose its carry.
    @Test func outOfRangeMicrosecondsCarryIntoTheSeconds() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        var file: [UInt8] = []
        func le32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { file += $0 } }
        func le16(_ value: UInt16) { withUnsafeBytes(of: value.littleEndian) { file += $0 } }
        le32(0xa1b2_c3d4)  // microsecond-precision pcap
        le16(2)
        le16(4)
        le32(0)
        le32(0)
        le32(65_535)
        le32(1)  // Ethernet
        for (seconds, microseconds) in [(10, 1_500_000), (20, 999_999)] as [(UInt32, UInt32)] {
            le32(seconds)
            le32(microseconds)
            le32(14)
            le32(14)
            file += [UInt8](repeating: 0xee, count: 14)
        }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(file)))
        let (read, _) = try readAll(path)
        #expect(
            read.map(\.time) == [
                PacketTime(seconds: 11, nanoseconds: 500_000_000), PacketTime(seconds: 20, nanoseconds: 999_999_000),
            ]
        )
    }

    @Test(.enabled(if: editcap.isInstalled, "needs \(editcap)"))
    func pcapngGivesTheSameFramesAsPcap() async throws {
        let path = temporaryPath(".pcap")
        let converted = temporaryPath(".pcapng")
        defer {
            unlink(path)
            unlink(converted)
        }
        let frames = sampleFrames()
        try write(frames, to: path)
        try await Command(["editcap", "-F", "pcapng", path, converted]).run()
        let magic = try #require(FileManager.default.contents(atPath: converted)?.prefix(4))
        #expect(Array(magic) == [0x0a, 0x0d, 0x0d, 0x0a], "editcap wrote a pcapng section header")

        let (read, source) = try readAll(converted)
        #expect(source.linkType == .ethernet)
        #expect(read == frames)
    }

    @Test func missingFileIsNamed() throws {
        let path = temporaryPath(".pcap")
        let error = #expect(throws: CaptureError.self) { try OfflinePacketSource(path: path) }
        #expect(error?.code == .fileNotFound)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("No such file") == true)
    }

    @Test func garbageFileIsRefusedWithAReason() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        try Data("this is a config file, not a capture\n".utf8).write(to: URL(fileURLWithPath: path))
        let error = #expect(throws: CaptureError.self) { try OfflinePacketSource(path: path) }
        #expect(error?.code == .unreadableFile)
        #expect(error?.description.contains(path) == true)
        #expect(error?.description.contains("unknown file format") == true)
    }

    @Test func truncatedFileReportsWhatItRead() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        try write(sampleFrames(), to: path)
        // A capture killed mid-write: the last record is cut.
        truncate(path, off_t(try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) - 50))
        let source = try OfflinePacketSource(path: path)
        var delivered = 0
        let error = #expect(throws: CaptureError.self) {
            try source.run(until: CaptureStopFlag()) { _ in delivered += 1 }
        }
        #expect(error?.code == .readFailed)
        #expect(error?.description.contains("truncated") == true)
        #expect(delivered == 2)
        #expect(source.counters.snapshot.delivered == 2)
    }

    @Test func filterCompileErrorNamesTheExpression() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        try write(sampleFrames(), to: path)
        let error = #expect(throws: CaptureError.self) {
            try OfflinePacketSource(path: path, filter: CaptureFilter(traffic: .expression("tcp port banana")))
        }
        #expect(error?.code == .invalidFilter)
        // The expression as compiled (wrapped for VLAN tags) and libpcap's reason.
        #expect(error?.description.contains("(tcp port banana) or (vlan and (tcp port banana))") == true)
        #expect(error?.description.contains("unknown port 'banana'") == true)
    }

    @Test func defaultFilterKeepsVLANTaggedIPAndDropsTheRest() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        let client = IPAddress(ipv4: 0x0a00_0102)
        let server = IPAddress(ipv4: 0xc000_0201)
        func udp(port: UInt16) -> [UInt8] {
            PacketBuilder.ipv4(
                source: client,
                destination: server,
                protocolNumber: 17,
                payload: PacketBuilder.udp(
                    sourcePort: 40000,
                    destinationPort: port,
                    payload: [0],
                    source: client,
                    destination: server
                )
            )
        }
        let oneTag = [PacketBuilder.VLANTag(id: 10)]
        let twoTags = [PacketBuilder.VLANTag(tpid: 0x88a8, id: 100), PacketBuilder.VLANTag(id: 10)]
        let arp = PacketBuilder.ethernet(etherType: 0x0806, payload: Array(repeating: 0, count: 28))
        // A non-first fragment: no UDP header, so no port to match.
        let fragment = PacketBuilder.ipv4Fragments(
            source: client,
            destination: server,
            protocolNumber: 17,
            ipPayload: Array(repeating: 7, count: 64),
            sizes: [32]
        )[1]
        let frames = [
            PacketBuilder.frame(udp(port: 53), linkType: .ethernet),
            PacketBuilder.frame(udp(port: 53), linkType: .ethernet, vlanTags: oneTag),
            PacketBuilder.frame(udp(port: 53), linkType: .ethernet, vlanTags: twoTags),
            PacketBuilder.frame(udp(port: 9999), linkType: .ethernet),
            PacketBuilder.frame(udp(port: 9999), linkType: .ethernet, vlanTags: oneTag),
            PacketBuilder.frame(fragment, linkType: .ethernet),
            arp,
        ].enumerated().map {
            Frame(bytes: $1, originalLength: $1.count, time: PacketTime(seconds: 1, nanoseconds: Int32($0)))
        }
        try write(frames, to: path)
        func kept(_ filter: CaptureFilter) throws -> [Int] {
            try readAll(path, filter: filter).frames.map { Int($0.time.nanoseconds) }
        }
        #expect(try kept(.default) == [0, 1, 3, 4, 5])
        #expect(try kept(CaptureFilter(includesDoubleTagged: true)) == [0, 1, 2, 3, 4, 5])
        #expect(try kept(CaptureFilter(includesVLANTagged: false)) == [0, 3, 5])
        #expect(try kept(.namesOnly) == [0, 1, 5])
    }

    @Test func rawIPFilesTakeTheDefaultFilterWithoutVLANClauses() throws {
        let path = temporaryPath(".pcap")
        defer { unlink(path) }
        let packet = PacketBuilder.ipv4(
            source: IPAddress(ipv4: 0x0a00_0001),
            destination: IPAddress(ipv4: 0x0a00_0002),
            protocolNumber: 17,
            payload: Array(repeating: 0, count: 8)
        )
        try write(
            [Frame(bytes: packet, originalLength: packet.count, time: PacketTime(seconds: 5, nanoseconds: 5))],
            to: path,
            linkType: .raw
        )
        let (read, source) = try readAll(path, filter: .default)
        // Written as DLT_RAW, stored as LINKTYPE_RAW (101), read back as DLT_RAW again.
        #expect(source.linkType == .raw)
        #expect(read.count == 1)
    }

    @Test func filterExpressions() {
        #expect(CaptureFilter.default.expression == "(ip or ip6) or (vlan and (ip or ip6))")
        #expect(CaptureFilter.default.expression(for: .linuxSLL2) == "ip or ip6")
        #expect(
            CaptureFilter(traffic: .selected(tcpPorts: [443], udpPorts: [53]), includesVLANTagged: false).expression
                == "tcp port 443 or udp port 53 or (ip[6:2] & 0x1fff != 0) or (ip6[6] = 44)"
        )
    }
}

/// What the live test saw, shared between the capture thread and the test.
private struct LiveTally: Sendable {
    var echoRequests = 0
    var echoReplies = 0
    var linkTypes: Set<UInt32> = []
    var times: [PacketTime] = []
}

@Suite struct CaptureLiveTests {
    /// Counts ICMP echo requests and replies in an Ethernet frame.
    private static func icmpType(_ frame: UnsafeRawBufferPointer) -> UInt8? {
        guard frame.count > 34, frame[12] == 0x08, frame[13] == 0x00, frame[23] == 1 else { return nil }
        let headerLength = Int(frame[14] & 0x0f) * 4
        guard frame.count > 14 + headerLength else { return nil }
        return frame[14 + headerLength]
    }

    @Test(.requiresLab(.ping), .timeLimit(.minutes(1)))
    func capturesPingsOnTheGatewayLAN() async throws {
        try await Lab.with(.school) { lab in
            let opened = Atomic(false)
            let stop = CaptureStopFlag()
            let tally = Mutex(LiveTally())
            let started = Date().timeIntervalSince1970
            let capture = Task {
                try await lab.withNamespace(School.gateway) { () throws -> CaptureCounters.Snapshot in
                    let source = try LivePacketSource(
                        interface: School.lanInterface,
                        options: LiveCaptureOptions(blockTimeoutMilliseconds: 20),
                        filter: CaptureFilter(traffic: .expression("icmp"))
                    )
                    opened.store(true, ordering: .releasing)
                    try source.run(until: stop) { packet in
                        let type = Self.icmpType(packet.frame)
                        tally.withLock { tally in
                            tally.linkTypes.insert(packet.linkType.rawValue)
                            tally.times.append(packet.time)
                            if type == 8 { tally.echoRequests += 1 }
                            if type == 0 { tally.echoReplies += 1 }
                        }
                    }
                    return source.counters.snapshot
                }
            }
            while !opened.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
            try await lab.run(
                in: School.client,
                ["ping", "-n", "-c", "5", "-i", "0.05", "-W", "2", School.gatewayLANIPv4]
            )
            // Await the packets rather than sleep: the last block leaves the ring on its timeout.
            let deadline = ContinuousClock.now + .seconds(10)
            while tally.withLock({ $0.echoRequests < 5 || $0.echoReplies < 5 }) && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            stop.stop()
            let counters = try await capture.value
            let seen = tally.withLock { $0 }
            #expect(seen.echoRequests == 5)
            #expect(seen.echoReplies == 5)
            #expect(seen.linkTypes == [LinkType.ethernet.rawValue])
            #expect(counters.delivered == 10)
            #expect(counters.statistics.received >= 10)
            #expect(counters.statistics.droppedByKernel == 0)
            // Kernel timestamps of this run, in order, with nanoseconds (not whole microseconds).
            let ended = Date().timeIntervalSince1970
            #expect(
                seen.times.allSatisfy { Double($0.seconds) >= started.rounded(.down) && Double($0.seconds) <= ended }
            )
            #expect(seen.times == seen.times.sorted())
            #expect(seen.times.contains { $0.nanoseconds % 1000 != 0 })
        }
    }

    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func unknownInterfaceIsNamed() async throws {
        try await Lab.with(.school) { lab in
            let error = try await lab.withNamespace(School.gateway) { () -> CaptureError? in
                do {
                    _ = try LivePacketSource(interface: "nosuch0")
                    return nil
                } catch {
                    return error as? CaptureError
                }
            }
            #expect(error?.code == .noSuchDevice)
            #expect(error?.description.contains("nosuch0") == true)
        }
    }

    /// On a silent link the loop still wakes every stop-check interval: `betweenBatches` keeps
    /// running (idle expiry depends on it) and a stop request is seen. The time limit is the
    /// bound on "promptly"; no wall-clock figure is asserted on a shared machine.
    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func aSilentLiveSourceKeepsTickingAndStops() async throws {
        try await Lab.with(.school) { lab in
            let stop = CaptureStopFlag()
            let ticks = Atomic(0)
            let delivered = Atomic(0)
            let capture = Task {
                try await lab.withNamespace(School.gateway) { () throws in
                    // A filter nothing matches: the loop sits in poll, the case a stop must still reach.
                    let source = try LivePacketSource(
                        interface: School.lanInterface,
                        filter: CaptureFilter(traffic: .expression("udp port 9"))
                    )
                    func tick() { ticks.add(1, ordering: .relaxed) }
                    try source.run(until: stop, betweenBatches: tick) { _ in delivered.add(1, ordering: .relaxed) }
                }
            }
            let deadline = ContinuousClock.now + .seconds(20)
            while ticks.load(ordering: .relaxed) < 5 && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            stop.stop()
            _ = try await capture.value
            #expect(ticks.load(ordering: .relaxed) >= 5)
            #expect(delivered.load(ordering: .relaxed) == 0)
        }
    }

    @Test(.requiresLab(), .timeLimit(.minutes(1)))
    func cancellingTheRunnerStopsItsThread() async throws {
        // The runner's thread is in the test process's own namespace; its loopback is only read.
        let opened = Atomic(false)
        let task = Task {
            try await CaptureRunner.run { stop in
                let source = try LivePacketSource(
                    interface: "lo",
                    filter: CaptureFilter(traffic: .expression("udp port 9"))
                )
                opened.store(true, ordering: .releasing)
                try source.run(until: stop) { _ in }
                return source.counters.snapshot.delivered
            }
        }
        while !opened.load(ordering: .acquiring) { try await Task.sleep(for: .milliseconds(10)) }
        task.cancel()
        // Returning at all (within the time limit) is the point: the thread saw the flag.
        let delivered = try await task.value
        #expect(delivered == 0)
    }
}
