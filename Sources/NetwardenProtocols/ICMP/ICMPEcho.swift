/// ICMP and ICMPv6 echo messages: building requests and recognising replies.
///
/// The prober sends from either an unprivileged ICMP datagram socket (where the kernel owns the
/// identifier and strips the IPv4 header) or a raw socket (where we see the IPv4 header and every
/// ICMP message on the host), so `parseReply` accepts both shapes and filters by identifier.
public enum ICMPEcho {
    public enum Family: Sendable {
        case v4, v6

        var requestType: UInt8 { self == .v4 ? 8 : 128 }
        var replyType: UInt8 { self == .v4 ? 0 : 129 }
    }

    /// Bytes of payload after the 8-byte header; 56 like iputils ping, so sizes compare.
    public static let defaultPayloadSize = 56

    /// An echo request. IPv4 needs our checksum; for ICMPv6 the kernel fills it in (it covers a
    /// pseudo-header we do not know when the source address is chosen by routing).
    public static func request(
        family: Family,
        identifier: UInt16,
        sequence: UInt16,
        payloadSize: Int = defaultPayloadSize
    ) -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: 8 + max(0, payloadSize))
        packet[0] = family.requestType
        packet[4] = UInt8(identifier >> 8)
        packet[5] = UInt8(identifier & 0xff)
        packet[6] = UInt8(sequence >> 8)
        packet[7] = UInt8(sequence & 0xff)
        // A recognisable, non-zero pattern: middleboxes that compress zero payloads exist.
        for index in 8..<packet.count { packet[index] = UInt8(truncatingIfNeeded: index) }
        if family == .v4 {
            let sum = internetChecksum(packet)
            packet[2] = UInt8(sum >> 8)
            packet[3] = UInt8(sum & 0xff)
        }
        return packet
    }

    /// An echo reply as received.
    public struct Reply: Sendable, Equatable {
        public var identifier: UInt16
        public var sequence: UInt16
        /// IPv4 TTL from the header when the raw socket delivered it; otherwise nil (the
        /// caller fills it from IP_RECVTTL / IPV6_HOPLIMIT ancillary data).
        public var ttl: UInt8?
    }

    /// Parses a received datagram. `includesIPv4Header` is true for raw IPv4 sockets. Returns nil
    /// for anything that is not an echo reply (unreachables, other hosts' pings on a raw socket,
    /// our own requests looped back).
    public static func parseReply(_ bytes: UnsafeRawBufferPointer, family: Family, includesIPv4Header: Bool) -> Reply? {
        var reader = ByteReader(bytes)
        var ttl: UInt8?
        if family == .v4 && includesIPv4Header {
            guard let versionIHL = reader.peekUInt8(), versionIHL >> 4 == 4 else { return nil }
            let headerLength = Int(versionIHL & 0x0f) * 4
            guard headerLength >= 20, reader.remaining >= headerLength else { return nil }
            ttl = reader.peekUInt8(at: 8)
            reader.skip(headerLength)
        }
        guard let type = reader.readUInt8(), type == family.replyType,
            let code = reader.readUInt8(), code == 0,
            reader.skip(2),
            let identifier = reader.readUInt16(),
            let sequence = reader.readUInt16()
        else { return nil }
        return Reply(identifier: identifier, sequence: sequence, ttl: ttl)
    }

    /// RFC 1071 one's-complement sum over `bytes` (checksum field included as zero).
    public static func internetChecksum(_ bytes: [UInt8]) -> UInt16 {
        var sum: UInt32 = 0
        var index = 0
        while index + 1 < bytes.count {
            sum += UInt32(bytes[index]) << 8 | UInt32(bytes[index + 1])
            index += 2
        }
        if index < bytes.count { sum += UInt32(bytes[index]) << 8 }
        while sum >> 16 != 0 { sum = (sum & 0xffff) + (sum >> 16) }
        return ~UInt16(sum)
    }
}
