import NetwardenProtocols
import NetwardenTestSupport
import Testing

private let resolver = IPAddress([10, 0, 0, 53])!
private let client = IPAddress([10, 1, 2, 3])!
private let resolver6 = IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x53])!
private let client6 = IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x03])!

/// A UDP datagram (header included) big enough to need fragments, like a large DNS answer.
private func bigDatagram(
    _ size: Int = 1200,
    from source: IPAddress = resolver,
    to destination: IPAddress = client,
    seed: Int = 7
) -> [UInt8] {
    PacketBuilder.udp(
        sourcePort: 53,
        destinationPort: 40000,
        payload: (0..<size).map { UInt8(truncatingIfNeeded: $0 * seed) },
        source: source,
        destination: destination
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

private func fragments6(
    _ datagram: [UInt8],
    sizes: [Int],
    identification: UInt32 = 0xdead_4242,
    from source: IPAddress = resolver6,
    to destination: IPAddress = client6,
    unfragmentable: [PacketBuilder.IPv6ExtensionHeader] = []
) -> [[UInt8]] {
    PacketBuilder.ipv6Fragments(
        source: source,
        destination: destination,
        nextHeader: 17,
        fragmentable: datagram,
        sizes: sizes,
        identification: identification,
        unfragmentable: unfragmentable,
        hopLimit: 57
    )
}

/// What one fragment did, copied out of the completion closure.
private struct Fed {
    var outcome: IPReassembler.Outcome?
    /// The reassembled datagram's UDP payload, on completion.
    var payload: [UInt8]?
    var source: IPAddress?
    var destination: IPAddress?
    var identification: UInt32?
    var ipProtocol: UInt8?
    var hopLimit: UInt8?
}

/// Feeds one IP packet (either version, told apart by its first nibble); on completion decodes
/// the datagram's transport the way the engine does.
private func feed(_ reassembler: inout IPReassembler, _ packet: [UInt8], at seconds: Int) -> Fed {
    packet.withUnsafeBytes { raw in
        guard let decoded = try? PacketDecoder.decode(raw, linkType: .raw) else { return Fed() }
        var fed = Fed()
        fed.outcome = reassembler.process(decoded, at: .seconds(seconds)) { datagram in
            fed.source = datagram.source
            fed.destination = datagram.destination
            fed.identification = datagram.identification
            fed.ipProtocol = datagram.ipProtocol
            fed.hopLimit = datagram.hopLimit
            let packet = try? PacketDecoder.decode(reassembled: datagram, linkType: .raw)
            if case .udp(let udp)? = packet?.transport {
                #expect(udp.sourcePort == 53)
                fed.payload = packet.map { Array($0.payload) }
            }
        }
        return fed
    }
}

/// `packet` as a capture with a snaplen `keep` bytes short would hold it.
private func snapped(_ packet: [UInt8], cutting keep: Int) -> [UInt8] { Array(packet.dropLast(keep)) }

@Suite struct IPv4ReassemblyTests {
    @Test func reassemblesInOrder() {
        let datagram = bigDatagram()
        var reassembler = IPReassembler()
        let parts = fragments(datagram, sizes: [512, 512])
        #expect(parts.count == 3)
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        let last = feed(&reassembler, parts[2], at: 0)
        #expect(last.outcome == .completed)
        #expect(last.payload == Array(datagram[8...]))
        #expect(last.source == resolver)
        #expect(last.destination == client)
        #expect(last.identification == 0x4242)
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.datagramsReassembled == 1)
    }

    @Test func reassemblesOutOfOrder() {
        let datagram = bigDatagram()
        var reassembler = IPReassembler()
        let parts = fragments(datagram, sizes: [256, 256, 256, 256])
        var result: [UInt8]?
        for index in [4, 2, 0, 3, 1] {
            let fed = feed(&reassembler, parts[index], at: 1)
            if index == 1 {
                #expect(fed.outcome == .completed)
                result = fed.payload
            } else {
                #expect(fed.outcome == .held)
            }
        }
        #expect(result == Array(datagram[8...]))
    }

    @Test func overlappingFragmentsDropTheDatagram() {
        let datagram = bigDatagram()
        var reassembler = IPReassembler()
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
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, overlap, at: 0).outcome == .dropped(.overlap))
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.counters.dropped[.overlap] == 1)
        // The rest then starts a new, never-completing datagram rather than completing a mix.
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held)
    }

    @Test func duplicateFragmentsCountAsOverlap() {
        var reassembler = IPReassembler()
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        _ = feed(&reassembler, parts[1], at: 0)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .dropped(.overlap))
    }

    @Test func incompleteDatagramsTimeOutOnPacketTime() {
        var reassembler = IPReassembler(limits: .init(timeout: .seconds(30)))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 100).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 129).outcome == .held)
        reassembler.expire(at: .seconds(131))
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.dropped[.timeout] == 1)
        #expect(feed(&reassembler, parts[2], at: 131).outcome == .held, "a late last fragment starts over")
    }

    @Test func concurrentDatagramCapEvictsTheOldest() {
        var reassembler = IPReassembler(limits: .init(maxDatagrams: 2))
        let datagram = bigDatagram()
        for (second, id) in [(0, UInt16(1)), (1, 2), (2, 3)] {
            #expect(
                feed(&reassembler, fragments(datagram, sizes: [512], identification: id)[0], at: second).outcome
                    == .held
            )
        }
        #expect(reassembler.activeDatagrams == 2)
        #expect(reassembler.counters.dropped[.tooManyDatagrams] == 1)
        // Datagram 1 was evicted: its tail no longer completes anything; datagram 3's does.
        #expect(feed(&reassembler, fragments(datagram, sizes: [512], identification: 1)[1], at: 3).outcome == .held)
        #expect(
            feed(&reassembler, fragments(datagram, sizes: [512], identification: 3)[1], at: 3).outcome == .completed
        )
    }

    @Test func perDatagramAndTotalByteCaps() {
        var small = IPReassembler(limits: .init(maxDatagramBytes: 1000, maxTotalBytes: 1000))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&small, parts[0], at: 0).outcome == .held)
        #expect(feed(&small, parts[1], at: 0).outcome == .dropped(.datagramTooLarge))
        #expect(small.heldBytes == 0)

        var tight = IPReassembler(limits: .init(maxDatagramBytes: 2000, maxTotalBytes: 2000))
        let datagram = bigDatagram(1500)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 1)[0], at: 0).outcome == .held)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 2)[0], at: 1).outcome == .held)
        #expect(tight.counters.dropped[.totalBytesExceeded] == 1)
        #expect(tight.heldBytes == 1024)
        #expect(feed(&tight, fragments(datagram, sizes: [1024], identification: 2)[1], at: 1).outcome == .completed)
    }

    @Test func inconsistentFragmentsAreMalformed() {
        var reassembler = IPReassembler()
        let odd = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 13),
            moreFragments: true
        )
        #expect(feed(&reassembler, odd, at: 0).outcome == .dropped(.malformed))
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held)
        // A final fragment ending somewhere else contradicts the first one.
        let otherEnd = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 8),
            identification: 0x4242,
            fragmentOffset: 2048
        )
        #expect(feed(&reassembler, otherEnd, at: 0).outcome == .dropped(.malformed))
    }

    @Test func slotBuffersAreReusedAcrossManyDatagrams() {
        var reassembler = IPReassembler(limits: .init(maxDatagrams: 4))
        let datagram = bigDatagram()
        for id in 0..<200 {
            let parts = fragments(datagram, sizes: [512, 512], identification: UInt16(id))
            var last: IPReassembler.Outcome?
            for part in parts.reversed() { last = feed(&reassembler, part, at: id).outcome }
            #expect(last == .completed)
        }
        #expect(reassembler.counters.datagramsReassembled == 200)
        #expect(reassembler.heldBytes == 0)
    }

    @Test func truncatedFragmentDropsItsDatagram() {
        var reassembler = IPReassembler()
        let parts = fragments(bigDatagram(), sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, snapped(parts[1], cutting: 100), at: 0).outcome == .dropped(.truncatedCapture))
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.heldBytes == 0)
        // The intact tail then cannot complete what is already gone.
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held)
    }

    @Test func ipv4PayloadCannotExceedWhatItsTotalLengthCanSay() {
        // Default limits allow IPv6's 65,535 bytes; an IPv4 fragment ending past 65,515 is still
        // refused, as it was when the default limit was IPv4's.
        var reassembler = IPReassembler()
        let tail = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 16),
            identification: 0x4242,
            fragmentOffset: 65_504
        )
        #expect(feed(&reassembler, tail, at: 0).outcome == .dropped(.datagramTooLarge))
        let lastAllowed = PacketBuilder.ipv4(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            payload: Array(repeating: 1, count: 11),
            identification: 0x4242,
            fragmentOffset: 65_504
        )
        #expect(feed(&reassembler, lastAllowed, at: 0).outcome == .held)
    }
}

@Suite struct IPv6ReassemblyTests {
    @Test func reassemblesInOrder() {
        let datagram = bigDatagram(from: resolver6, to: client6)
        var reassembler = IPReassembler()
        let parts = fragments6(datagram, sizes: [512, 512])
        #expect(parts.count == 3)
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        let last = feed(&reassembler, parts[2], at: 0)
        #expect(last.outcome == .completed)
        #expect(last.payload == Array(datagram[8...]))
        #expect(last.source == resolver6)
        #expect(last.destination == client6)
        #expect(last.identification == 0xdead_4242, "all 32 bits of the Fragment Identification")
        #expect(last.ipProtocol == 17)
        #expect(last.hopLimit == 57)
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.datagramsReassembled == 1)
        #expect(reassembler.counters.fragmentsHeld == 3)
    }

    @Test func reassemblesOutOfOrderBehindUnfragmentableHeaders() {
        let datagram = bigDatagram(1400, from: resolver6, to: client6)
        var reassembler = IPReassembler()
        // Hop-by-hop and routing headers travel in every fragment and are not part of the payload.
        let parts = fragments6(datagram, sizes: [256, 256, 256, 256, 256], unfragmentable: [.hopByHop(), .routing])
        #expect(parts.count == 6)
        var result: [UInt8]?
        for index in [5, 2, 0, 4, 3, 1] {
            let fed = feed(&reassembler, parts[index], at: 1)
            if index == 1 {
                #expect(fed.outcome == .completed)
                result = fed.payload
            } else {
                #expect(fed.outcome == .held)
            }
        }
        #expect(result == Array(datagram[8...]))
    }

    @Test func overlappingFragmentsDropTheDatagram() {
        let datagram = bigDatagram(from: resolver6, to: client6)
        var reassembler = IPReassembler()
        let parts = fragments6(datagram, sizes: [512, 512])
        // Rewrites bytes 504..<1016, straddling the first fragment's end (RFC 5722's case).
        let overlap = PacketBuilder.ipv6(
            source: resolver6,
            destination: client6,
            nextHeader: 17,
            payload: Array(repeating: 0xee, count: 512),
            extensionHeaders: [.fragment(offset: 504, moreFragments: true, identification: 0xdead_4242)]
        )
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, overlap, at: 0).outcome == .dropped(.overlap))
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.counters.dropped[.overlap] == 1)
        // Nothing of the first copy is kept: the rest cannot complete a mix.
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held)
        #expect(reassembler.counters.datagramsReassembled == 0)
    }

    @Test func duplicateFragmentDropsTheDatagramLikeIPv4() {
        let datagram = bigDatagram(from: resolver6, to: client6)
        var reassembler = IPReassembler()
        let parts = fragments6(datagram, sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .dropped(.overlap))
        #expect(reassembler.heldBytes == 0)
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held, "the datagram was abandoned")
    }

    @Test func payloadMayReachTheFull65535Bytes() {
        var reassembler = IPReassembler()
        func tail(_ count: Int) -> [UInt8] {
            PacketBuilder.ipv6(
                source: resolver6,
                destination: client6,
                nextHeader: 17,
                payload: Array(repeating: 1, count: count),
                extensionHeaders: [.fragment(offset: 65_504, moreFragments: false, identification: 9)]
            )
        }
        #expect(feed(&reassembler, tail(31), at: 0).outcome == .held, "ends at 65,535")
        #expect(reassembler.heldBytes == 31)
        #expect(feed(&reassembler, tail(32), at: 0).outcome == .dropped(.datagramTooLarge))
        #expect(reassembler.heldBytes == 0, "a too-large fragment drops its datagram")
    }

    @Test func configuredDatagramLimitApplies() {
        var small = IPReassembler(limits: .init(maxDatagramBytes: 1000, maxTotalBytes: 1000))
        let parts = fragments6(bigDatagram(from: resolver6, to: client6), sizes: [512, 512])
        #expect(feed(&small, parts[0], at: 0).outcome == .held)
        #expect(feed(&small, parts[1], at: 0).outcome == .dropped(.datagramTooLarge))
        #expect(small.heldBytes == 0)
        #expect(small.counters.dropped[.datagramTooLarge] == 1)
    }

    @Test func incompleteDatagramsTimeOutOnPacketTime() {
        var reassembler = IPReassembler(limits: .init(timeout: .seconds(30)))
        let parts = fragments6(bigDatagram(from: resolver6, to: client6), sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 100).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 129).outcome == .held)
        reassembler.expire(at: .seconds(130))
        #expect(reassembler.activeDatagrams == 1, "30 s have not passed yet")
        reassembler.expire(at: .seconds(131))
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.counters.dropped[.timeout] == 1)
        #expect(feed(&reassembler, parts[2], at: 131).outcome == .held, "a late last fragment starts over")
    }

    @Test func truncatedFragmentDropsItsDatagram() {
        var reassembler = IPReassembler()
        let parts = fragments6(bigDatagram(from: resolver6, to: client6), sizes: [512, 512])
        #expect(feed(&reassembler, parts[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, snapped(parts[1], cutting: 100), at: 0).outcome == .dropped(.truncatedCapture))
        #expect(reassembler.activeDatagrams == 0)
        #expect(reassembler.heldBytes == 0)
        #expect(reassembler.counters.dropped[.truncatedCapture] == 1)
        #expect(feed(&reassembler, parts[2], at: 0).outcome == .held)
    }

    @Test func identificationUsesAll32Bits() {
        // Equal in the low 16 bits (all an IPv4 key would hold): still two datagrams.
        let first = bigDatagram(from: resolver6, to: client6, seed: 3)
        let second = bigDatagram(from: resolver6, to: client6, seed: 5)
        var reassembler = IPReassembler()
        let a = fragments6(first, sizes: [512, 512], identification: 0x0001_4242)
        let b = fragments6(second, sizes: [512, 512], identification: 0x0002_4242)
        for part in [a[0], b[0], a[1], b[1]] { #expect(feed(&reassembler, part, at: 0).outcome == .held) }
        #expect(reassembler.activeDatagrams == 2)
        #expect(feed(&reassembler, b[2], at: 0).payload == Array(second[8...]))
        #expect(feed(&reassembler, a[2], at: 0).payload == Array(first[8...]))
    }

    @Test func nextHeaderComesFromTheFirstFragment() {
        // RFC 8200 4.5: fragments match on addresses and identification; the Next Header of
        // later fragments may differ and only the offset-0 fragment's is used.
        let datagram = bigDatagram(from: resolver6, to: client6)
        var reassembler = IPReassembler()
        let parts = fragments6(datagram, sizes: [512, 512])
        let relabelled = PacketBuilder.ipv6(
            source: resolver6,
            destination: client6,
            nextHeader: 6,
            payload: Array(datagram[1024...]),
            extensionHeaders: [.fragment(offset: 1024, moreFragments: false, identification: 0xdead_4242)],
            hopLimit: 57
        )
        #expect(feed(&reassembler, relabelled, at: 0).outcome == .held)
        #expect(feed(&reassembler, parts[1], at: 0).outcome == .held)
        let last = feed(&reassembler, parts[0], at: 0)
        #expect(last.outcome == .completed)
        #expect(last.ipProtocol == 17)
        #expect(last.payload == Array(datagram[8...]))
    }

    @Test func wholePacketsAreIgnored() {
        var reassembler = IPReassembler()
        let datagram = bigDatagram(100, from: resolver6, to: client6)
        let plain = PacketBuilder.ipv6(source: resolver6, destination: client6, nextHeader: 17, payload: datagram)
        // An atomic fragment (offset 0, M = 0) is a whole datagram (RFC 6946).
        let atomic = PacketBuilder.ipv6(
            source: resolver6,
            destination: client6,
            nextHeader: 17,
            payload: datagram,
            extensionHeaders: [.fragment(offset: 0, moreFragments: false, identification: 1)]
        )
        #expect(feed(&reassembler, plain, at: 0).outcome == nil)
        #expect(feed(&reassembler, atomic, at: 0).outcome == nil)
        #expect(reassembler.activeDatagrams == 0)
    }
}

@Suite struct MixedFamilyReassemblyTests {
    @Test func sameIdentificationInBothFamiliesStaysApart() {
        // IPv4-mapped IPv6 addresses hold the same 32 bits as the IPv4 ones: only the family
        // tells the two datagrams apart.
        let mappedResolver = IPAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 0, 0, 53])!
        let mappedClient = IPAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 10, 1, 2, 3])!
        #expect(mappedResolver.low == resolver.low | 0xffff_0000_0000)
        let datagram4 = bigDatagram(seed: 3)
        let datagram6 = bigDatagram(from: mappedResolver, to: mappedClient, seed: 11)
        let parts4 = fragments(datagram4, sizes: [512, 512], identification: 0x4242)
        let parts6 = fragments6(
            datagram6,
            sizes: [512, 512],
            identification: 0x4242,
            from: mappedResolver,
            to: mappedClient
        )
        var reassembler = IPReassembler()
        for part in [parts4[0], parts6[0], parts6[1], parts4[1]] {
            #expect(feed(&reassembler, part, at: 0).outcome == .held)
        }
        #expect(reassembler.activeDatagrams == 2)
        let done6 = feed(&reassembler, parts6[2], at: 0)
        #expect(done6.outcome == .completed)
        #expect(done6.payload == Array(datagram6[8...]))
        #expect(done6.source == mappedResolver)
        let done4 = feed(&reassembler, parts4[2], at: 0)
        #expect(done4.outcome == .completed)
        #expect(done4.payload == Array(datagram4[8...]))
        #expect(done4.source == resolver)
        #expect(reassembler.counters.datagramsReassembled == 2)
        #expect(reassembler.heldBytes == 0)
    }

    @Test func bothFamiliesShareTheDatagramCap() {
        var reassembler = IPReassembler(limits: .init(maxDatagrams: 2))
        let parts4 = fragments(bigDatagram(), sizes: [512, 512], identification: 1)
        let parts6a = fragments6(bigDatagram(from: resolver6, to: client6), sizes: [512, 512], identification: 1)
        let parts6b = fragments6(bigDatagram(from: resolver6, to: client6), sizes: [512, 512], identification: 2)
        #expect(feed(&reassembler, parts4[0], at: 0).outcome == .held)
        #expect(feed(&reassembler, parts6a[0], at: 1).outcome == .held)
        #expect(feed(&reassembler, parts6b[0], at: 2).outcome == .held)
        #expect(reassembler.activeDatagrams == 2)
        #expect(reassembler.counters.dropped[.tooManyDatagrams] == 1)
        // The IPv4 datagram was the oldest and went.
        #expect(feed(&reassembler, parts4[1], at: 3).outcome == .held)
    }
}
