/// One frame decoded down to its transport payload, without copying or allocating.
///
/// The slices (`ipPayload`, `payload`) point into the frame the decoder was given, so a
/// `DecodedPacket` is valid only while that buffer is (one pcap callback); everything else is
/// plain values that may be kept.
public struct DecodedPacket {
    /// Transport header, when there is one the decoder understands.
    public enum Transport: Hashable, Sendable {
        case tcp(TCPHeader)
        case udp(UDPHeader)
        /// A fragment (see ``DecodedPacket/fragment``) or a protocol other than TCP/UDP
        /// (ICMP, ESP, ...); ``DecodedPacket/ipProtocol`` says which.
        case none
    }

    public var linkType: LinkType
    /// How many 802.1Q/802.1ad tags were stacked in front of the IP header.
    public var vlanTagCount: Int
    /// VLAN ID (12 bits) of the outermost tag, if any.
    public var outerVLANID: UInt16?
    /// VLAN ID of the second tag (QinQ customer VLAN), if any.
    public var innerVLANID: UInt16?

    public var source: IPAddress
    public var destination: IPAddress
    /// IPv4 TTL or IPv6 hop limit.
    public var hopLimit: UInt8
    /// The upper-layer protocol number, after any IPv6 extension headers.
    public var ipProtocol: UInt8
    /// Set when this packet is a fragment of a larger datagram.
    public var fragment: IPFragment?
    /// Bytes after the IP header (and IPv6 extension headers), up to the IP length or the capture.
    public var ipPayload: UnsafeRawBufferPointer
    /// The capture stopped before the end the IP header declared (snaplen), so `ipPayload` and
    /// `payload` are prefixes of what was on the wire.
    public var isTruncated: Bool

    public var transport: Transport
    /// TCP/UDP payload; the same as `ipPayload` when `transport` is `.none`.
    public var payload: UnsafeRawBufferPointer

    /// IP version of the packet.
    public var ipVersion: IPAddress.Family { source.family }

    /// A placeholder for ``PacketDecoder/decode(_:linkType:into:)`` to overwrite: no addresses,
    /// empty payloads.
    public init() {
        self.init(
            linkType: .ethernet,
            source: IPAddress(ipv4: 0),
            destination: IPAddress(ipv4: 0),
            hopLimit: 0,
            ipProtocol: 0,
            ipPayload: UnsafeRawBufferPointer(start: nil, count: 0),
            isTruncated: false,
            transport: .none,
            payload: UnsafeRawBufferPointer(start: nil, count: 0)
        )
    }

    public init(
        linkType: LinkType,
        vlanTagCount: Int = 0,
        outerVLANID: UInt16? = nil,
        innerVLANID: UInt16? = nil,
        source: IPAddress,
        destination: IPAddress,
        hopLimit: UInt8,
        ipProtocol: UInt8,
        fragment: IPFragment? = nil,
        ipPayload: UnsafeRawBufferPointer,
        isTruncated: Bool,
        transport: Transport,
        payload: UnsafeRawBufferPointer
    ) {
        self.linkType = linkType
        self.vlanTagCount = vlanTagCount
        self.outerVLANID = outerVLANID
        self.innerVLANID = innerVLANID
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.ipProtocol = ipProtocol
        self.fragment = fragment
        self.ipPayload = ipPayload
        self.isTruncated = isTruncated
        self.transport = transport
        self.payload = payload
    }
}

/// IANA protocol numbers the decoder treats specially.
public enum IPProtocolNumber {
    public static let hopByHop: UInt8 = 0
    public static let icmp: UInt8 = 1
    public static let tcp: UInt8 = 6
    public static let udp: UInt8 = 17
    public static let ipv6Routing: UInt8 = 43
    public static let ipv6Fragment: UInt8 = 44
    public static let esp: UInt8 = 50
    public static let authenticationHeader: UInt8 = 51
    public static let icmpv6: UInt8 = 58
    public static let ipv6NoNextHeader: UInt8 = 59
    public static let ipv6DestinationOptions: UInt8 = 60
}
