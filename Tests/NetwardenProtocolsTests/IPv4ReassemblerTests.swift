import NetwardenProtocols
import NetwardenTestSupport
import Testing

private let resolver = IPAddress([10, 0, 0, 53])!
private let client = IPAddress([10, 1, 2, 3])!

/// A UDP datagram (header included) big enough to need fragments, like a large DNS answer.
private func bigDatagram(_ size: Int = 1200) -> [UInt8] {
    PacketBuilder.udp(
        sourcePort: 53,
        destinationPort: 40000,
        payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 * 7) },
        source: resolver,
        destination: client
    )
}

private func fragments(_ datagram: [UInt8], sizes: [Int], identification: UInt16 = 0x4242) -> [[UInt8]] {
    PacketBuilder.ipv4Fragments(
        source: resolver,
        destination: client,
        protocolNumber: 17,
        ipPayload: datagram,
        sizes: sizes,
        identification: identification
    )
}

/// Feeds one IPv4 packet; returns the outcome and, on completion, the reassembled UDP payload.
private func feed(
    _ reassembler: inout IPv4Reassembler,
    _ packet: [UInt8],
    at seconds: Int
) -> (IPv4Reassembler.Outcome?, [UInt8]?) {
    packet.withUnsafeBytes { raw in
        guard let decoded = try? PacketDecoder.decode(raw, linkType: .ipv4) else { return (nil, nil) }
        var completed: [UInt8]?
        let outcome = reassembler.process(decoded, at: .seconds(seconds)) { datagram in
            #expect(datagram.source == resolver)
            #expect(datagram.destination == client)
            let packet = try? PacketDecoder.decode(reassembled: datagram, linkType: .ipv4)
            if case .udp(let udp)? = packet?.transport {
                #expect(udp.sourcePort == 53)
                completed = packet.map { Array($0.payload) }
            }
        }
        return (outcome, completed)
    }
}

@Suite struct IPv4ReassemblerTests {
    @Test func reassemblesInOrder() {
        let datagram = bigDatagram()
        var reassembler = IPv4Reassembler()
        let parts = fragments(datagram, sizes: [512, 512])
        #expect(parts.count == 3)
        #expect(feed(&reassembler, parts[0], at: 0).0 == .held)
        #expect(feed(&reassembler, parts[1], at: 0).0 == .held)
        let (outcome, payload) = feed(&reassembler, parts[2], at: 0)
        #expect(outcome == .completed)
        #expect(payload == Array(datagram[8...]))
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.datagramsReassembled == 1)
    }

    @Test func reassemblesOutOfOrder() {
        let datagram = bigDatagram()
        var reassembler = IPv4Reassembler()
        let parts = fragments(datagram, sizes: [256, 256, 256, 256])
        var result: [UInt8]?
        for index in [4, 2, 0, 3, 1] {
            let (outcome, payload) = feed(&reassembler, parts[index], at: 1)
            if index == 1 {
                #expect(outcome == .completed)
                result = payload
            } else {
                #expect(outcome == .held)
            }
        }
        #expect(result == Array(datagram[8...]))
    }

    @Test func overlappingFragmentsDropTheDatagram() {
        let datagram = bigDatagram()
        var reassembler = IPv4Reassembler()
        let parts = fragments(datagram, sizes: [512, 512])
        // A fragment rewriting bytes 256..<768 overlaps the first one.
        let overlap = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 0xee, count: 512),
            identification: 0x4242,
            moreFragments: true,
            fragmentOffset: 256
        )
        #expect(feed(&reassembler, parts[0], at: 0).0 == .held)
        #expect(feed(&reassembler, overlap, at: 0).0 == .dropped(.overlap))
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.counters.dropped[.overlap] == 1)
        // The rest then starts a new, never-completing datagram rather than completing a mix.
        #expect(feed(&reassembler, parts[1], at: 0).0 == .held)
        #expect(feed(&reassembler, parts[2], at: 0).0 == .held)
    }

    @Test func duplicateFragmentsCountAsOverlap() {
        var reassembler = IPv4Reassembler()
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        _ = feed(&reassembler, parts[1], at: 0)
        #expect(feed(&reassembler, parts[1], at: 0).0 == .dropped(.overlap))
    }

    @Test func incompleteDatagramsTimeOutOnPacketTime() {
        var reassembler = IPv4Reassembler(limits: .init(timeout: .seconds(30)))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 100).0 == .held)
        #expect(feed(&reassembler, parts[1], at: 129).0 == .held)
        reassembler.expire(at: .seconds(131))
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.dropped[.timeout] == 1)
        #expect(feed(&reassembler, parts[2], at: 131).0 == .held, "a late last fragment starts over")
    }

    @Test func concurrentDatagramCapEvictsTheOldest() {
        var reassembler = IPv4Reassembler(limits: .init(maxDatagrams: 2))
        let datagram = bigDatagram()
        for (second, id) in [(0, UInt16(1)), (1, 2), (2, 3)] {
            #expect(feed(&reassembler, fragments(datagram, sizes: [512], identification: id)[0], at: second).0 == .held)
        }
        #expect(reassembler.activeDatagrams == 2)
        #expect(reassembler.counters.dropped[.tooManyDatagrams] == 1)
        // Datagram 1 was evicted: its tail no longer completes anything; datagram 3's does.
        #expect(feed(&reassembler, fragments(datagram, sizes: [512], identification: 1)[1], at: 3).0 == .held)
        #expect(feed(&reassembler, fragments(datagram, sizes: [512], identification: 3)[1], at: 3).0 == .completed)
    }

    @Test func perDatagramAndTotalByteCaps() {
        var small = IPv4Reassembler(limits: .init(maxDatagramBytes: 1000, maxTotalBytes: 1000))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&small, parts[0], at: 0).0 == .held)
        #expect(feed(&small, parts[1], at: 0).0 == .dropped(.datagramTooLarge))
        #expect(small.heldBytes == 0)

        var tight = IPv4Reassembler(limits: .init(maxDatagramBytes: 2000, maxTotalBytes: 2000))
        let datagram = bigDatagram(1500)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 1)[0], at: 0).0 == .held)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 2)[0], at: 1).0 == .held)
        #expect(tight.counters.dropped[.totalBytesExceeded] == 1)
        #expect(tight.heldBytes == 1024)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 2)[1], at: 1).0 == .completed)
    }

    @Test func inconsistentFragmentsAreMalformed() {
        var reassembler = IPv4Reassembler()
        let odd = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 13),
            moreFragments: true
        )
        #expect(feed(&reassembler, odd, at: 0).0 == .dropped(.malformed))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&reassembler, parts[2], at: 0).0 == .held)
        // A final fragment ending somewhere else contradicts the first one.
        let otherEnd = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 8),
            identification: 0x4242,
            fragmentOffset: 2048
        )
        #expect(feed(&reassembler, otherEnd, at: 0).0 == .dropped(.malformed))
    }

    @Test func slotBuffersAreReusedAcrossManyDatagrams() {
        var reassembler = IPv4Reassembler(limits: .init(maxDatagrams: 4))
        let datagram = bigDatagram()
        for id in 0..<200 {
            let parts = fragments(datagram, sizes: [512, 512], identification: UInt16(id))
            var last: IPv4Reassembler.Outcome?
            for part in parts.reversed() { last = feed(&reassembler, part, at: id).0 }
            #expect(last == .completed)
        }
        #expect(reassembler.counters.datagramsReassembled == 200)
        #expect(reassembler.heldBytes == 0)
    }
}
