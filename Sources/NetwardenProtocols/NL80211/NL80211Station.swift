/// One peer of a wireless interface as a GET_STATION reply describes it.
///
/// In station mode the single entry is the access point we are associated with, so its MAC is
/// the BSSID and its counters are our uplink's radio health. In AP mode there is one entry per
/// associated client. Counters are cumulative since association; optional fields are absent when
/// the driver does not report them (many do not report beacon loss or averages).
public struct NL80211Station: Sendable, Equatable {
    public var mac: [UInt8]
    public var interfaceIndex: UInt32?
    public var signalDBm: Int?
    public var signalAverageDBm: Int?
    public var txBitrateBitsPerSecond: UInt64?
    public var rxBitrateBitsPerSecond: UInt64?
    public var txRetries: UInt32?
    public var txFailed: UInt32?
    public var beaconLoss: UInt32?
    public var rxBytes: UInt64?
    public var txBytes: UInt64?
    public var rxPackets: UInt32?
    public var txPackets: UInt32?
    public var connectedSeconds: UInt32?
    public var inactiveMilliseconds: UInt32?
    /// The driver's own throughput estimate, converted from kbit/s.
    public var expectedThroughputBitsPerSecond: UInt64?

    public init(mac: [UInt8]) {
        self.mac = mac
    }

    /// Decodes one NEW_STATION message (generic netlink header + attributes).
    public static func decode(_ message: NetlinkMessage) throws(NetlinkError) -> NL80211Station {
        var (_, attributes) = try GenericNetlinkHeader.split(message)
        var result = NL80211Station(mac: [])
        var sawMAC = false
        while let attribute = attributes.next() {
            switch attribute.type {
            case NL80211.Attribute.mac:
                guard attribute.payload.count == 6 else {
                    throw NetlinkError(
                        .badAttribute,
                        "station MAC of \(attribute.payload.count) bytes",
                        offset: attribute.offset
                    )
                }
                result.mac = attribute.bytes
                sawMAC = true
            case NL80211.Attribute.interfaceIndex:
                result.interfaceIndex = attribute.uint32
            case NL80211.Attribute.stationInfo:
                var info = try attributes.nested(in: attribute)
                try result.decodeStationInfo(&info)
            default:
                break
            }
        }
        if let error = attributes.error { throw error }
        guard sawMAC else {
            throw NetlinkError(.badAttribute, "station reply without NL80211_ATTR_MAC", offset: message.offset)
        }
        return result
    }

    private mutating func decodeStationInfo(_ info: inout NetlinkAttributeReader) throws(NetlinkError) {
        // 32-bit byte counters wrap at 4 GiB, a few minutes of busy 802.11ac; the 64-bit ones win
        // whenever the kernel sends both, whatever order they come in.
        var rx32: UInt32?
        var tx32: UInt32?
        while let attribute = info.next() {
            switch attribute.type {
            case NL80211.StationInfo.inactiveTime: inactiveMilliseconds = attribute.uint32
            case NL80211.StationInfo.rxBytes: rx32 = attribute.uint32
            case NL80211.StationInfo.txBytes: tx32 = attribute.uint32
            case NL80211.StationInfo.rxBytes64: rxBytes = attribute.uint64
            case NL80211.StationInfo.txBytes64: txBytes = attribute.uint64
            case NL80211.StationInfo.signal: signalDBm = attribute.int8.map(Int.init)
            case NL80211.StationInfo.signalAverage: signalAverageDBm = attribute.int8.map(Int.init)
            case NL80211.StationInfo.rxPackets: rxPackets = attribute.uint32
            case NL80211.StationInfo.txPackets: txPackets = attribute.uint32
            case NL80211.StationInfo.txRetries: txRetries = attribute.uint32
            case NL80211.StationInfo.txFailed: txFailed = attribute.uint32
            case NL80211.StationInfo.beaconLoss: beaconLoss = attribute.uint32
            case NL80211.StationInfo.connectedTime: connectedSeconds = attribute.uint32
            case NL80211.StationInfo.expectedThroughput:
                expectedThroughputBitsPerSecond = attribute.uint32.map { UInt64($0) * 1000 }
            case NL80211.StationInfo.txBitrate:
                var rate = try info.nested(in: attribute)
                txBitrateBitsPerSecond = try Self.bitrate(&rate)
            case NL80211.StationInfo.rxBitrate:
                var rate = try info.nested(in: attribute)
                rxBitrateBitsPerSecond = try Self.bitrate(&rate)
            default:
                break
            }
        }
        if let error = info.error { throw error }
        if rxBytes == nil { rxBytes = rx32.map(UInt64.init) }
        if txBytes == nil { txBytes = tx32.map(UInt64.init) }
    }

    /// Bits per second from a rate-info nest: BITRATE32 when present (it does not saturate),
    /// else the legacy u16 BITRATE; both count 100 kbit/s. A rate of 0 means "unknown" (the
    /// kernel sends it for rates it cannot compute, e.g. some HE/EHT configurations).
    static func bitrate(_ rate: inout NetlinkAttributeReader) throws(NetlinkError) -> UInt64? {
        var bitrate16: UInt16?
        var bitrate32: UInt32?
        while let attribute = rate.next() {
            switch attribute.type {
            case NL80211.RateInfo.bitrate: bitrate16 = attribute.uint16
            case NL80211.RateInfo.bitrate32: bitrate32 = attribute.uint32
            default: break
            }
        }
        if let error = rate.error { throw error }
        guard let units = bitrate32.map(UInt64.init) ?? bitrate16.map(UInt64.init), units > 0 else { return nil }
        return units * 100_000
    }
}
