import Glibc
import NetwardenProtocols
import NetwardenTestSupport
import Testing

private let client4 = IPAddress([10, 1, 2, 3])!
private let server4 = IPAddress([93, 184, 216, 34])!
private let client6 = IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10])!
private let server6 = IPAddress([0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x12, 0x1a, 0x2b])!

/// The failure decoding `frame` ends in, or `nil` after handing the packet to `inspect`
/// (inside the buffer's lifetime).
private func decode(
    _ frame: [UInt8],
    _ linkType: LinkType,
    inspect: (DecodedPacket) -> Void = { _ in }
) -> DecodeFailure? {
    frame.withUnsafeBytes { raw in
        do throws(DecodeFailure) {
            inspect(try PacketDecoder.decode(raw, linkType: linkType))
            return nil
        } catch {
            return error
        }
    }
}

/// The decoded values a test checks, copied out so they outlive the frame buffer.
private struct Summary: Equatable {
    var source: IPAddress
    var destination: IPAddress
    var ipProtocol: UInt8
    var transport: DecodedPacket.Transport
    var payload: [UInt8]
    var vlanTagCount: Int = 0
    var outerVLANID: UInt16?
    var innerVLANID: UInt16?
    var fragment: IPFragment?
    var isTruncated = false
}

private func summary(_ frame: [UInt8], _ linkType: LinkType) throws -> Summary {
    try frame.withUnsafeBytes { raw in
        let packet = try PacketDecoder.decode(raw, linkType: linkType)
        return Summary(
            source: packet.source,
            destination: packet.destination,
            ipProtocol: packet.ipProtocol,
            transport: packet.transport,
            payload: Array(packet.payload),
            vlanTagCount: packet.vlanTagCount,
            outerVLANID: packet.outerVLANID,
            innerVLANID: packet.innerVLANID,
            fragment: packet.fragment,
            isTruncated: packet.isTruncated
        )
    }
}

private func udp4(_ payload: [UInt8]) -> [UInt8] {
    PacketBuilder.ipv4(
        source: client4,
        destination: server4,
        protocolNumber: 17,
        payload: PacketBuilder.udp(
            sourcePort: 40000,
            destinationPort: 53,
            payload: payload,
            source: client4,
            destination: server4
        )
    )
}

private func tcp6(_ payload: [UInt8], extensionHeaders: [PacketBuilder.IPv6ExtensionHeader] = []) -> [UInt8] {
    PacketBuilder.ipv6(
        source: client6,
        destination: server6,
        nextHeader: 6,
        payload: PacketBuilder.tcp(
            sourcePort: 50000,
            destinationPort: 443,
            sequence: 0xdead_beef,
            acknowledgement: 7,
            flags: [.ack, .psh],
            options: [1, 1, 1, 0],
            payload: payload,
            source: client6,
            destination: server6
        ),
        extensionHeaders: extensionHeaders
    )
}

@Suite struct PacketDecoderTests {
    let payload: [UInt8] = Array("hello".utf8)

    @Test(arguments: [LinkType.ethernet, .linuxSLL, .linuxSLL2, .raw, .linktypeRaw, .ipv4])
    func decodesIPv4UDPOnEveryLinkType(_ linkType: LinkType) throws {
        let frame = PacketBuilder.frame(udp4(payload), linkType: linkType)
        let decoded = try summary(frame, linkType)
        #expect(decoded.source == client4)
        #expect(decoded.destination == server4)
        #expect(decoded.transport == .udp(UDPHeader(sourcePort: 40000, destinationPort: 53, length: 13)))
        #expect(decoded.payload == payload)
        #expect(decoded.vlanTagCount == 0)
    }

    @Test(arguments: [LinkType.ethernet, .linuxSLL, .linuxSLL2, .raw, .linktypeRaw, .ipv6])
    func decodesIPv6TCPOnEveryLinkType(_ linkType: LinkType) throws {
        let frame = PacketBuilder.frame(tcp6(payload), linkType: linkType)
        let decoded = try summary(frame, linkType)
        #expect(decoded.source == client6)
        #expect(decoded.destination == server6)
        guard case .tcp(let tcp) = decoded.transport else {
            Issue.record("expected TCP, got \(decoded.transport)")
            return
        }
        #expect(tcp.sourcePort == 50000)
        #expect(tcp.destinationPort == 443)
        #expect(tcp.sequenceNumber == 0xdead_beef)
        #expect(tcp.acknowledgementNumber == 7)
        #expect(tcp.flags == [.ack, .psh])
        #expect(tcp.headerLength == 24)
        #expect(decoded.payload == payload)
    }

    @Test func wrongVersionForTheLinkTypeIsABadHeader() {
        #expect(decode(udp4(payload), .ipv6) == (.badIPHeader))
        #expect(decode(tcp6(payload), .ipv4) == (.badIPHeader))
        #expect(decode([0x50] + Array(repeating: 0, count: 40), .raw) == (.badIPHeader))
    }

    @Test func unknownLinkTypesAndNonIPFramesAreCountedNotDecoded() {
        #expect(decode(udp4(payload), LinkType(rawValue: 105)) == (.unsupportedLinkType))
        let arp = PacketBuilder.ethernet(etherType: 0x0806, payload: Array(repeating: 0, count: 28))
        #expect(decode(arp, .ethernet) == (.notIP))
    }

    @Test func stackedVLANTagsAreCountedAndBounded() throws {
        let tags = [
            PacketBuilder.VLANTag(tpid: 0x88a8, id: 100),
            PacketBuilder.VLANTag(tpid: 0x8100, id: 200, priority: 5),
        ]
        let decoded = try summary(PacketBuilder.frame(udp4(payload), linkType: .ethernet, vlanTags: tags), .ethernet)
        #expect(decoded.vlanTagCount == 2)
        #expect(decoded.outerVLANID == 100)
        #expect(decoded.innerVLANID == 200)
        #expect(decoded.payload == payload)

        let four = (1...4).map { PacketBuilder.VLANTag(id: UInt16($0)) }
        #expect(
            try summary(PacketBuilder.frame(udp4(payload), linkType: .ethernet, vlanTags: four), .ethernet)
                .vlanTagCount == 4
        )
        let five = (1...5).map { PacketBuilder.VLANTag(id: UInt16($0)) }
        #expect(
            decode(PacketBuilder.frame(udp4(payload), linkType: .ethernet, vlanTags: five), .ethernet)
                == (.tooManyVLANTags)
        )
    }

    @Test func vlanTagInsideLinuxCookedHeaderIsFollowed() throws {
        let inner = PacketBuilder.be16(42) + PacketBuilder.be16(0x0800) + udp4(payload)
        let decoded = try summary(PacketBuilder.linuxSLL2(protocolType: 0x8100, payload: inner), .linuxSLL2)
        #expect(decoded.outerVLANID == 42)
        #expect(decoded.payload == payload)
    }

    @Test func pppoeSessionFramesAreDecoded() throws {
        let ip = udp4(payload)
        let pppoe: [UInt8] = [0x11, 0x00, 0x00, 0x01] + PacketBuilder.be16(UInt16(ip.count + 2)) + [0x00, 0x21] + ip
        let decoded = try summary(PacketBuilder.ethernet(etherType: 0x8864, payload: pppoe), .ethernet)
        #expect(decoded.payload == payload)
    }

    @Test func ipv6ExtensionHeaderChainsAreWalked() throws {
        let chain: [PacketBuilder.IPv6ExtensionHeader] = [
            .hopByHop(), .destinationOptions(extraUnits: 1), .routing, .authentication,
            .fragment(offset: 0, moreFragments: false, identification: 9), .destinationOptions(),
        ]
        let decoded = try summary(
            PacketBuilder.frame(tcp6(payload, extensionHeaders: chain), linkType: .ethernet),
            .ethernet
        )
        #expect(decoded.ipProtocol == 6)
        #expect(decoded.fragment == nil, "an atomic fragment is a whole datagram")
        #expect(decoded.payload == payload)

        let tooMany = Array(repeating: PacketBuilder.IPv6ExtensionHeader.destinationOptions(), count: 9)
        #expect(decode(tcp6(payload, extensionHeaders: tooMany), .ipv6) == (.tooManyExtensionHeaders))
    }

    @Test func ipv6FragmentsStopAtTheFragmentHeader() throws {
        let packet = tcp6(
            payload,
            extensionHeaders: [.hopByHop(), .fragment(offset: 1448, moreFragments: true, identification: 77)]
        )
        let decoded = try summary(packet, .ipv6)
        #expect(decoded.fragment == IPFragment(identification: 77, offset: 1448, moreFragments: true))
        #expect(decoded.transport == .none)
        #expect(decoded.ipProtocol == 6)
    }

    @Test func ipv4FragmentsAreFlaggedWithoutATransportHeader() throws {
        let fragments = PacketBuilder.ipv4Fragments(
            source: client4,
            destination: server4,
            protocolNumber: 17,
            ipPayload: Array(repeating: 7, count: 100),
            sizes: [48],
            identification: 0x99
        )
        let first = try summary(fragments[0], .ipv4)
        #expect(first.fragment == IPFragment(identification: 0x99, offset: 0, moreFragments: true))
        #expect(first.transport == .none)
        #expect(first.payload.count == 48)
        let last = try summary(fragments[1], .ipv4)
        #expect(last.fragment == IPFragment(identification: 0x99, offset: 48, moreFragments: false))
    }

    @Test func ethernetPaddingIsTrimmedByTheIPLength() throws {
        let frame = PacketBuilder.frame(udp4([1]), linkType: .ethernet) + Array(repeating: 0, count: 20)
        let decoded = try summary(frame, .ethernet)
        #expect(decoded.payload == [1])
        #expect(!decoded.isTruncated)
    }

    @Test func snaplenCutPayloadIsFlaggedNotRejected() throws {
        let frame = PacketBuilder.frame(tcp6(Array(repeating: 0x41, count: 100)), linkType: .ethernet)
        let decoded = try summary(Array(frame.prefix(frame.count - 60)), .ethernet)
        #expect(decoded.isTruncated)
        #expect(decoded.payload.count == 40)
    }

    @Test func contradictoryHeadersAreRejected() {
        var shortIHL = udp4(payload)
        shortIHL[0] = 0x44
        #expect(decode(shortIHL, .ipv4) == (.badIPHeader))
        var tinyTotal = udp4(payload)
        tinyTotal[3] = 10
        #expect(decode(tinyTotal, .ipv4) == (.badIPHeader))
        var badUDPLength = udp4(payload)
        badUDPLength[25] = 200
        #expect(decode(badUDPLength, .ipv4) == (.badUDPHeader))
        var badDataOffset = tcp6(payload)
        badDataOffset[52] = 0x20
        #expect(decode(badDataOffset, .ipv6) == (.badTCPHeader))
    }

    @Test func tsoZeroTotalLengthFallsBackToTheCapture() throws {
        var packet = udp4(payload)
        packet[2] = 0
        packet[3] = 0
        #expect(try summary(packet, .ipv4).payload == payload)
    }

    /// Every prefix of a valid frame either fails cleanly (a header is cut) or decodes with the
    /// payload flagged as truncated; never a crash or an out-of-bounds read.
    @Test(arguments: [LinkType.ethernet, .linuxSLL, .linuxSLL2, .raw])
    func everyPrefixFailsCleanly(_ linkType: LinkType) {
        let frames = [
            PacketBuilder.frame(udp4(payload), linkType: linkType, vlanTags: [.init(id: 5), .init(id: 6)]),
            PacketBuilder.frame(
                tcp6(payload, extensionHeaders: [.hopByHop(), .routing, .authentication, .destinationOptions()]),
                linkType: linkType
            ),
        ]
        for frame in frames {
            for length in 0..<frame.count {
                let failure = decode(Array(frame.prefix(length)), linkType) { packet in
                    #expect(packet.isTruncated, "prefix \(length) decoded as complete")
                }
                #expect(failure == nil || failure == .truncated, "prefix \(length) of \(frame.count)")
            }
        }
    }

    @Test func randomMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 0x5eed_0001)
        let seeds = [
            PacketBuilder.frame(udp4(payload), linkType: .ethernet, vlanTags: [.init(id: 5)]),
            PacketBuilder.frame(
                tcp6(
                    payload,
                    extensionHeaders: [.hopByHop(), .fragment(offset: 0, moreFragments: false, identification: 1)]
                ),
                linkType: .ethernet
            ),
        ]
        let linkTypes: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw]
        var decoded = 0
        for iteration in 0..<4000 {
            var frame = seeds[iteration % seeds.count]
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                let index = Int.random(in: 0..<frame.count, using: &generator)
                frame[index] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) {
                frame = Array(frame.prefix(Int.random(in: 0...frame.count, using: &generator)))
            }
            let linkType = linkTypes[Int.random(in: 0..<linkTypes.count, using: &generator)]
            _ = decode(frame, linkType) { packet in
                decoded += 1
                // Touch every payload byte: an out-of-bounds slice would trip the sanitizer/trap.
                #expect(packet.payload.reduce(0) { $0 &+ $1 } >= 0)
                #expect(packet.payload.count <= frame.count)
            }
        }
        #expect(decoded > 0)
    }
}

@Suite struct IPAddressTests {
    @Test func printsIPv4AndCanonicalIPv6() {
        #expect(IPAddress(ipv4: 0xc000_0201).description == "192.0.2.1")
        // Every octet width and the extremes, checked against the obvious formatting.
        for value: UInt32 in [0, 0xffff_ffff, 0x0a01_0203, 0x640a_0100, 0x0963_c7c8, 0x6400_0a09] {
            let expected = "\(value >> 24).\(value >> 16 & 0xff).\(value >> 8 & 0xff).\(value & 0xff)"
            #expect(IPAddress(ipv4: value).description == expected)
        }
        let cases: [([UInt8], String)] = [
            ([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1], "2001:db8::1"),
            (Array(repeating: 0, count: 16), "::"),
            (Array(repeating: 0, count: 15) + [1], "::1"),
            ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1], "2001:db8:0:1:1:1:1:1"),
            ([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1], "2001:db8::1:0:0:1"),
            ([0xfe, 0x80] + Array(repeating: 0, count: 14), "fe80::"),
            (Array(repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 1], "::ffff:192.0.2.1"),
            ([0x20, 0x01, 0x0d, 0xb8, 0x0a, 0xbc, 0, 0, 0, 0, 0, 0, 0, 0x0f, 0, 0], "2001:db8:abc::f:0"),
        ]
        for (bytes, text) in cases {
            #expect(IPAddress(bytes)?.description == text)
            #expect(IPAddress(bytes)?.bytes == bytes)
        }
    }

    /// Random addresses with runs of zero groups in every place, against glibc's inet_ntop
    /// (RFC 5952 as well), and `withText` giving the same bytes as `description`.
    @Test func ipv6TextMatchesInetNtop() {
        var generator = SeededGenerator(seed: 5952)
        for _ in 0..<5000 {
            var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
            for group in 0..<8 where Int.random(in: 0..<3, using: &generator) == 0 {
                bytes[group * 2] = 0
                bytes[group * 2 + 1] = 0
            }
            // inet_ntop also prints ::a.b.c.d (deprecated IPv4-compatible form); RFC 5952 does not.
            if bytes[0..<12].allSatisfy({ $0 == 0 }) { continue }
            var text = [CChar](repeating: 0, count: 64)
            #expect(inet_ntop(AF_INET6, bytes, &text, 64) != nil)
            let expected = String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let address = IPAddress(bytes)!
            #expect(address.description == expected, "\(bytes)")
            #expect(address.withText { Array($0) } == Array(expected.utf8))
        }
    }
}
