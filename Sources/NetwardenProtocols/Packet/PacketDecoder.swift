/// Decodes a captured frame (link header, IPv4/IPv6, TCP/UDP) into a ``DecodedPacket``.
///
/// Stateless and allocation-free: every read goes through ``ByteReader`` and the result only
/// points into the frame. Checksums are not verified on purpose: with checksum offload, packets
/// the gateway itself sends are captured before the NIC fills them in, and verifying costs time
/// at 10 Gbit/s for no gain in name extraction.
public enum PacketDecoder {
    /// Most stacked VLAN tags accepted (QinQ is two; four leaves room for odd carrier setups while
    /// bounding the work a crafted frame can cause).
    public static let maxVLANTags = 4
    /// Most IPv6 extension headers walked before giving up (real traffic rarely has more than two).
    public static let maxIPv6ExtensionHeaders = 8

    static let etherTypeIPv4: UInt16 = 0x0800
    static let etherTypeIPv6: UInt16 = 0x86dd
    static let etherTypeVLAN: UInt16 = 0x8100
    static let etherTypeQinQ: UInt16 = 0x88a8
    // Pre-standard QinQ TPID some switches still emit.
    static let etherTypeQinQLegacy: UInt16 = 0x9100
    static let etherTypePPPoESession: UInt16 = 0x8864

    /// Decodes one frame of the given link type.
    public static func decode(
        _ frame: UnsafeRawBufferPointer,
        linkType: LinkType
    ) throws(DecodeFailure) -> DecodedPacket {
        var packet = DecodedPacket()
        try decode(frame, linkType: linkType, into: &packet)
        return packet
    }

    /// Decodes one frame into `packet`, the engine's per-packet path. Writing into the caller's
    /// value rather than returning one matters at millions of packets a second: each layer that
    /// returned the ~180-byte result through a typed `throws` copied it once more, and those
    /// copies were 8 % of `netwarden analyze`. On a throw, `packet` holds nothing meaningful.
    public static func decode(
        _ frame: UnsafeRawBufferPointer,
        linkType: LinkType,
        into packet: inout DecodedPacket
    ) throws(DecodeFailure) {
        var reader = ByteReader(frame)
        var vlan = VLANTags()
        switch linkType {
        case .ethernet:
            // Destination and source MAC are of no use to name extraction.
            guard reader.skip(12), let etherType = reader.readUInt16() else { throw .truncated }
            try decodeEtherType(etherType, &reader, &vlan, linkType, into: &packet)
        case .linuxSLL:
            // packet type(2) ARPHRD type(2) address length(2) address(8) protocol(2)
            guard reader.skip(14), let proto = reader.readUInt16() else { throw .truncated }
            try decodeEtherType(proto, &reader, &vlan, linkType, into: &packet)
        case .linuxSLL2:
            // protocol(2) reserved(2) ifindex(4) ARPHRD type(2) packet type(1) address length(1)
            // address(8)
            guard let proto = reader.readUInt16(), reader.skip(18) else { throw .truncated }
            try decodeEtherType(proto, &reader, &vlan, linkType, into: &packet)
        case .raw, .linktypeRaw:
            guard let first = reader.peekUInt8() else { throw .truncated }
            switch first >> 4 {
            case 4: try decodeIPv4(&reader, vlan, linkType, into: &packet)
            case 6: try decodeIPv6(&reader, vlan, linkType, into: &packet)
            default: throw .badIPHeader
            }
        case .ipv4:
            try decodeIPv4(&reader, vlan, linkType, into: &packet)
        case .ipv6:
            try decodeIPv6(&reader, vlan, linkType, into: &packet)
        default:
            throw .unsupportedLinkType
        }
    }

    /// VLAN tags seen so far, kept as plain values so decoding stays allocation-free.
    struct VLANTags {
        var count = 0
        var outer: UInt16?
        var inner: UInt16?

        mutating func add(_ tci: UInt16) {
            let id = tci & 0x0fff
            if count == 0 { outer = id } else if count == 1 { inner = id }
            count += 1
        }
    }

    /// Follows an EtherType (after Ethernet, SLL, SLL2 or a VLAN tag) to the IP header.
    private static func decodeEtherType(
        _ first: UInt16,
        _ reader: inout ByteReader,
        _ vlan: inout VLANTags,
        _ linkType: LinkType,
        into packet: inout DecodedPacket
    ) throws(DecodeFailure) {
        var etherType = first
        while true {
            switch etherType {
            case etherTypeIPv4:
                return try decodeIPv4(&reader, vlan, linkType, into: &packet)
            case etherTypeIPv6:
                return try decodeIPv6(&reader, vlan, linkType, into: &packet)
            case etherTypeVLAN, etherTypeQinQ, etherTypeQinQLegacy:
                guard vlan.count < maxVLANTags else { throw .tooManyVLANTags }
                guard let tci = reader.readUInt16(), let next = reader.readUInt16() else { throw .truncated }
                vlan.add(tci)
                etherType = next
            case etherTypePPPoESession:
                // Schools on DSL uplinks see PPPoE on the WAN side: version/type(1) code(1)
                // session(2) length(2), then the 2-byte PPP protocol.
                guard reader.skip(6), let pppProtocol = reader.readUInt16() else { throw .truncated }
                switch pppProtocol {
                case 0x0021: return try decodeIPv4(&reader, vlan, linkType, into: &packet)
                case 0x0057: return try decodeIPv6(&reader, vlan, linkType, into: &packet)
                default: throw .notIP
                }
            default:
                throw .notIP
            }
        }
    }
}
