/// One wireless interface as a GET_INTERFACE reply describes it, in nl80211's own terms.
///
/// Everything but the index is optional: drivers omit what does not apply (no SSID or
/// frequency while disconnected, no channel on a monitor interface).
public struct NL80211Interface: Sendable, Equatable {
    public var interfaceIndex: UInt32
    public var name: String?
    public var wiphy: UInt32?
    /// Raw `nl80211_iftype`; see `NL80211.InterfaceType`.
    public var interfaceType: UInt32?
    /// Our own MAC address (6 bytes).
    public var mac: [UInt8]?
    /// The SSID's bytes: SSIDs are up to 32 arbitrary octets, not necessarily UTF-8.
    public var ssid: [UInt8]?
    public var frequencyMHz: UInt32?
    public var channelWidthMHz: Int?
    public var centerFrequency1MHz: UInt32?
    /// Transmit power in mBm (1/100 dBm).
    public var txPowerMilliBelMilliwatt: Int32?

    public init(interfaceIndex: UInt32) {
        self.interfaceIndex = interfaceIndex
    }

    /// Decodes one NEW_INTERFACE message (generic netlink header + attributes).
    public static func decode(_ message: NetlinkMessage) throws(NetlinkError) -> NL80211Interface {
        var (_, attributes) = try GenericNetlinkHeader.split(message)
        var index: UInt32?
        var result = NL80211Interface(interfaceIndex: 0)
        while let attribute = attributes.next() {
            switch attribute.type {
            case NL80211.Attribute.interfaceIndex: index = attribute.uint32
            case NL80211.Attribute.interfaceName: result.name = attribute.string
            case NL80211.Attribute.wiphy: result.wiphy = attribute.uint32
            case NL80211.Attribute.interfaceType: result.interfaceType = attribute.uint32
            case NL80211.Attribute.mac: result.mac = attribute.payload.count == 6 ? attribute.bytes : nil
            case NL80211.Attribute.ssid: result.ssid = attribute.payload.count <= 32 ? attribute.bytes : nil
            case NL80211.Attribute.wiphyFrequency: result.frequencyMHz = attribute.uint32
            case NL80211.Attribute.channelWidth:
                result.channelWidthMHz = attribute.uint32.flatMap(NL80211.channelWidthMHz)
            case NL80211.Attribute.centerFrequency1: result.centerFrequency1MHz = attribute.uint32
            case NL80211.Attribute.txPowerLevel: result.txPowerMilliBelMilliwatt = attribute.int32
            default: break
            }
        }
        if let error = attributes.error { throw error }
        guard let index else {
            throw NetlinkError(
                .badAttribute,
                "interface reply without a u32 NL80211_ATTR_IFINDEX",
                offset: message.offset
            )
        }
        result.interfaceIndex = index
        return result
    }
}
