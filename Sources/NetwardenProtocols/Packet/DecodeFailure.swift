/// Why a frame could not be decoded down to its IP header.
///
/// Each case is a counter key (`netwarden_capture_undecodable_total{reason="..."}`), so the set is
/// small and stable; ``name`` is the label value.
public enum DecodeFailure: Error, Hashable, Sendable, CaseIterable {
    /// The frame ends inside a header the decoder needs (short capture or runt frame).
    case truncated
    /// The capture's link type is not one this decoder handles.
    case unsupportedLinkType
    /// A well-formed frame that carries something other than IP (ARP, LLDP, 802.3/LLC, ...).
    case notIP
    /// More stacked VLAN tags than ``PacketDecoder/maxVLANTags``.
    case tooManyVLANTags
    /// An IP header that contradicts itself: wrong version for the link type, IHL below 5,
    /// total length shorter than the header.
    case badIPHeader
    /// More IPv6 extension headers than ``PacketDecoder/maxIPv6ExtensionHeaders``.
    case tooManyExtensionHeaders
    /// A TCP data offset below 5 words or past the end of the IP payload.
    case badTCPHeader
    /// A UDP length below 8 or past the end of the IP payload.
    case badUDPHeader

    /// Stable snake_case label value for metrics.
    public var name: String {
        switch self {
        case .truncated: "truncated"
        case .unsupportedLinkType: "unsupported_link_type"
        case .notIP: "not_ip"
        case .tooManyVLANTags: "too_many_vlan_tags"
        case .badIPHeader: "bad_ip_header"
        case .tooManyExtensionHeaders: "too_many_extension_headers"
        case .badTCPHeader: "bad_tcp_header"
        case .badUDPHeader: "bad_udp_header"
        }
    }
}
