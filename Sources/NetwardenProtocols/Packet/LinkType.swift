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
