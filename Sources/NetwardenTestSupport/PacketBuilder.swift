import NetwardenProtocols

/// Builds frames byte by byte for decoder and capture tests: link headers (Ethernet with VLAN
/// tags, Linux SLL/SLL2, raw), IPv4 and IPv6 (with extension headers and fragments), TCP and UDP
/// with correct checksums, so the same bytes also satisfy tcpdump/tshark cross-checks.
public enum PacketBuilder {
    /// One 802.1Q/802.1ad tag.
    public struct VLANTag: Sendable {
        public var tpid: UInt16
        public var id: UInt16
        public var priority: UInt8

        public init(tpid: UInt16 = 0x8100, id: UInt16, priority: UInt8 = 0) {
            self.tpid = tpid
            self.id = id
            self.priority = priority
        }
    }

    /// An IPv6 extension header to put in front of the upper-layer header.
    public enum IPv6ExtensionHeader: Sendable {
        /// Hop-by-hop options, `(extraUnits + 1) * 8` bytes of PadN.
        case hopByHop(extraUnits: UInt8 = 0)
        case destinationOptions(extraUnits: UInt8 = 0)
        /// A routing header with segments-left 0 and one address slot (24 bytes).
        case routing
        case fragment(offset: Int, moreFragments: Bool, identification: UInt32)
        /// An authentication header with a 12-byte ICV (24 bytes).
        case authentication

        var protocolNumber: UInt8 {
            switch self {
            case .hopByHop: 0
            case .destinationOptions: 60
            case .routing: 43
            case .fragment: 44
            case .authentication: 51
            }
        }

        func encode(nextHeader: UInt8) -> [UInt8] {
            switch self {
            case .hopByHop(let extra), .destinationOptions(let extra):
                let total = (Int(extra) + 1) * 8
                // PadN fills the options area (type 1, length = total - 4).
                return [nextHeader, extra, 1, UInt8(total - 4)] + Array(repeating: 0, count: total - 4)
            case .routing:
                return [nextHeader, 2, 0, 0, 0, 0, 0, 0] + Array(repeating: 0, count: 16)
            case .fragment(let offset, let more, let identification):
                let word = UInt16(offset / 8) << 3 | (more ? 1 : 0)
                return [nextHeader, 0] + PacketBuilder.be16(word) + PacketBuilder.be32(identification)
            case .authentication:
                return [nextHeader, 4, 0, 0] + PacketBuilder.be32(0x1000) + PacketBuilder.be32(1)
                    + Array(repeating: 0xaa, count: 12)
            }
        }
    }

    // MARK: link layer

    public static func ethernet(
        etherType: UInt16,
        payload: [UInt8],
        vlanTags: [VLANTag] = [],
        destinationMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x01],
        sourceMAC: [UInt8] = [0x02, 0, 0, 0, 0, 0x02]
    ) -> [UInt8] {
        var frame = destinationMAC + sourceMAC
        for tag in vlanTags {
            frame += be16(tag.tpid) + be16(UInt16(tag.priority & 7) << 13 | tag.id & 0x0fff)
        }
        return frame + be16(etherType) + payload
    }

    /// Linux cooked v1: packet type, ARPHRD_ETHER, 6-byte address padded to 8, protocol.
    public static func linuxSLL(protocolType: UInt16, payload: [UInt8], packetType: UInt16 = 0) -> [UInt8] {
        be16(packetType) + be16(1) + be16(6) + [0x02, 0, 0, 0, 0, 0x02, 0, 0] + be16(protocolType) + payload
    }

    /// Linux cooked v2: protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length,
    /// 8-byte address.
    public static func linuxSLL2(
        protocolType: UInt16,
        payload: [UInt8],
        interfaceIndex: UInt32 = 2,
        packetType: UInt8 = 0
    ) -> [UInt8] {
        be16(protocolType) + [0, 0] + be32(interfaceIndex) + be16(1) + [packetType, 6]
            + [0x02, 0, 0, 0, 0, 0x02, 0, 0] + payload
    }

    /// Wraps an IP packet in the link header `linkType` uses (EtherType from the version nibble).
    public static func frame(_ ipPacket: [UInt8], linkType: LinkType, vlanTags: [VLANTag] = []) -> [UInt8] {
        let etherType: UInt16 = (ipPacket.first ?? 0) >> 4 == 6 ? 0x86dd : 0x0800
        switch linkType {
        case .ethernet: return ethernet(etherType: etherType, payload: ipPacket, vlanTags: vlanTags)
        case .linuxSLL: return linuxSLL(protocolType: etherType, payload: ipPacket)
        case .linuxSLL2: return linuxSLL2(protocolType: etherType, payload: ipPacket)
        default: return ipPacket
        }
    }

    // MARK: IP

    public static func ipv4(
        source: IPAddress,
        destination: IPAddress,
        protocolNumber: UInt8,
        payload: [UInt8],
        identification: UInt16 = 0x1234,
        ttl: UInt8 = 64,
        dontFragment: Bool = false,
        moreFragments: Bool = false,
        fragmentOffset: Int = 0,
        options: [UInt8] = [],
        totalLength: Int? = nil
    ) -> [UInt8] {
        let headerLength = 20 + options.count
        let length = totalLength ?? headerLength + payload.count
        var flags = UInt16(fragmentOffset / 8) & 0x1fff
        if dontFragment { flags |= 0x4000 }
        if moreFragments { flags |= 0x2000 }
        var header: [UInt8] = [0x40 | UInt8(headerLength / 4), 0] + be16(UInt16(truncatingIfNeeded: length))
        header += be16(identification) + be16(flags) + [ttl, protocolNumber, 0, 0]
        header += source.bytes + destination.bytes + options
        let checksum = internetChecksum(header)
        header[10] = UInt8(checksum >> 8)
        header[11] = UInt8(checksum & 0xff)
        return header + payload
    }

    public static func ipv6(
        source: IPAddress,
        destination: IPAddress,
        nextHeader: UInt8,
        payload: [UInt8],
        extensionHeaders: [IPv6ExtensionHeader] = [],
        hopLimit: UInt8 = 64
    ) -> [UInt8] {
        var chain: [UInt8] = []
        var next = nextHeader
        for header in extensionHeaders.reversed() {
            chain = header.encode(nextHeader: next) + chain
            next = header.protocolNumber
        }
        let body = chain + payload
        return [0x60, 0, 0, 0] + be16(UInt16(body.count)) + [next, hopLimit] + source.bytes
            + destination.bytes + body
    }

    /// The IPv4 fragments of one datagram: `ipPayload` (transport header included) cut at
    /// `sizes` (each but the last a multiple of 8; the remainder forms the final fragment).
    public static func ipv4Fragments(
        source: IPAddress,
        destination: IPAddress,
        protocolNumber: UInt8,
        ipPayload: [UInt8],
        sizes: [Int],
        identification: UInt16 = 0x4242
    ) -> [[UInt8]] {
        pieces(of: ipPayload, sizes: sizes).map { piece in
            ipv4(
                source: source,
                destination: destination,
                protocolNumber: protocolNumber,
                payload: piece.bytes,
                identification: identification,
                moreFragments: piece.moreFragments,
                fragmentOffset: piece.offset
            )
        }
    }

    /// The IPv6 fragments of one packet (RFC 8200 4.5): `fragmentable` (the transport header and
    /// payload) cut at `sizes` as for ``ipv4Fragments(source:destination:protocolNumber:ipPayload:sizes:identification:)``.
    /// Each fragment carries the `unfragmentable` extension headers, then a Fragment header whose
    /// Next Header is `nextHeader`.
    public static func ipv6Fragments(
        source: IPAddress,
        destination: IPAddress,
        nextHeader: UInt8,
        fragmentable: [UInt8],
        sizes: [Int],
        identification: UInt32 = 0x4242_4242,
        unfragmentable: [IPv6ExtensionHeader] = [],
        hopLimit: UInt8 = 64
    ) -> [[UInt8]] {
        pieces(of: fragmentable, sizes: sizes).map { piece in
            ipv6(
                source: source,
                destination: destination,
                nextHeader: nextHeader,
                payload: piece.bytes,
                extensionHeaders: unfragmentable + [
                    .fragment(offset: piece.offset, moreFragments: piece.moreFragments, identification: identification)
                ],
                hopLimit: hopLimit
            )
        }
    }

    /// `payload` cut at `sizes`, the remainder (if any) forming the last piece.
    private static func pieces(
        of payload: [UInt8],
        sizes: [Int]
    ) -> [(offset: Int, bytes: [UInt8], moreFragments: Bool)] {
        var pieces: [(offset: Int, bytes: [UInt8], moreFragments: Bool)] = []
        var offset = 0
        for size in sizes + [payload.count] where offset < payload.count {
            let end = min(offset + size, payload.count)
            pieces.append((offset, Array(payload[offset..<end]), end < payload.count))
            offset = end
        }
        return pieces
    }

    // MARK: transport

    public static func udp(
        sourcePort: UInt16,
        destinationPort: UInt16,
        payload: [UInt8],
        source: IPAddress,
        destination: IPAddress
    ) -> [UInt8] {
        var datagram = be16(sourcePort) + be16(destinationPort) + be16(UInt16(8 + payload.count)) + [0, 0] + payload
        var checksum = transportChecksum(datagram, protocolNumber: 17, source: source, destination: destination)
        // UDP sends a computed 0 as 0xffff (0 means "no checksum").
        if checksum == 0 { checksum = 0xffff }
        datagram[6] = UInt8(checksum >> 8)
        datagram[7] = UInt8(checksum & 0xff)
        return datagram
    }

    public static func tcp(
        sourcePort: UInt16,
        destinationPort: UInt16,
        sequence: UInt32 = 1000,
        acknowledgement: UInt32 = 0,
        flags: TCPFlags = [.ack, .psh],
        window: UInt16 = 65_535,
        options: [UInt8] = [],
        payload: [UInt8],
        source: IPAddress,
        destination: IPAddress
    ) -> [UInt8] {
        precondition(options.count % 4 == 0, "TCP options must be padded to 4 bytes")
        let words = UInt16(5 + options.count / 4)
        var segment = be16(sourcePort) + be16(destinationPort) + be32(sequence) + be32(acknowledgement)
        segment += be16(words << 12 | flags.rawValue) + be16(window) + [0, 0, 0, 0] + options + payload
        let checksum = transportChecksum(segment, protocolNumber: 6, source: source, destination: destination)
        segment[16] = UInt8(checksum >> 8)
        segment[17] = UInt8(checksum & 0xff)
        return segment
    }

    // MARK: helpers

    /// RFC 1071 one's-complement checksum.
    public static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }

    static func transportChecksum(
        _ segment: [UInt8],
        protocolNumber: UInt8,
        source: IPAddress,
        destination: IPAddress
    ) -> UInt16 {
        let pseudo: [UInt8]
        if source.family == .ipv4 {
            pseudo = source.bytes + destination.bytes + [0, protocolNumber] + be16(UInt16(segment.count))
        } else {
            pseudo = source.bytes + destination.bytes + be32(UInt32(segment.count)) + [0, 0, 0, protocolNumber]
        }
        return internetChecksum(pseudo + segment)
    }

    public static func be16(_ value: UInt16) -> [UInt8] { [UInt8(value >> 8), UInt8(value & 0xff)] }

    public static func be32(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }
}
