/// A pcap link-layer header type (the `DLT_`/`LINKTYPE_` value a capture reports).
///
/// A struct rather than an enum so any value a capture hands us is representable; the decoder
/// answers ``DecodeFailure/unsupportedLinkType`` for the ones it does not know.
public struct LinkType: RawRepresentable, Hashable, Sendable {
    public let rawValue: UInt32

    public init(rawValue: UInt32) { self.rawValue = rawValue }

    /// DLT_EN10MB: Ethernet II, possibly with 802.1Q / 802.1ad tags.
    public static let ethernet = LinkType(rawValue: 1)
    /// DLT_RAW as most platforms number it: a bare IPv4 or IPv6 packet.
    public static let raw = LinkType(rawValue: 12)
    /// LINKTYPE_RAW, the number pcap files use for DLT_RAW.
    public static let linktypeRaw = LinkType(rawValue: 101)
    /// DLT_LINUX_SLL: Linux "cooked" capture v1 (`tcpdump -i any` on older libpcap).
    public static let linuxSLL = LinkType(rawValue: 113)
    /// DLT_IPV4: a bare IPv4 packet.
    public static let ipv4 = LinkType(rawValue: 228)
    /// DLT_IPV6: a bare IPv6 packet.
    public static let ipv6 = LinkType(rawValue: 229)
    /// DLT_LINUX_SLL2: Linux cooked capture v2 (`-i any` on libpcap >= 1.10).
    public static let linuxSLL2 = LinkType(rawValue: 276)
}

extension LinkType {
    /// The link types ``PacketDecoder`` decodes; a capture of any other is refused up front
    /// rather than read as a file of undecodable packets.
    public static let decodable: [LinkType] = [.ethernet, .linuxSLL, .linuxSLL2, .raw, .linktypeRaw, .ipv4, .ipv6]

    public var isDecodable: Bool { Self.decodable.contains(self) }

    /// The name tcpdump uses (`EN10MB`, `IEEE802_11_RADIO`), or `DLT n` for one we do not name.
    public var name: String {
        switch rawValue {
        case 1: "EN10MB (Ethernet)"
        case 12, 101: "RAW (IP)"
        case 113: "LINUX_SLL"
        case 276: "LINUX_SLL2"
        case 228: "IPV4"
        case 229: "IPV6"
        case 105: "IEEE802_11 (802.11 Wi-Fi)"
        case 127: "IEEE802_11_RADIO (802.11 Wi-Fi with radiotap)"
        case 163: "IEEE802_11_RADIO_AVS (802.11 Wi-Fi with AVS)"
        case 0: "NULL (BSD loopback)"
        case 108: "LOOP (OpenBSD loopback)"
        default: "DLT \(rawValue)"
        }
    }
}
