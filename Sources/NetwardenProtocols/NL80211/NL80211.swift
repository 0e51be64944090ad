/// Numbers from linux/nl80211.h that netwarden uses: commands, attributes, station-info and
/// rate-info attributes, interface types, channel widths.
///
/// The header's enums are append-only ABI ("don't move anything around"), so copying the few
/// values we need is safe across kernel versions.
public enum NL80211 {
    /// The generic netlink family name to resolve through the controller.
    public static let familyName = "nl80211"

    /// `enum nl80211_commands`.
    public enum Command {
        public static let getInterface: UInt8 = 5
        /// The command on GET_INTERFACE replies.
        public static let newInterface: UInt8 = 7
        public static let getStation: UInt8 = 17
        /// The command on GET_STATION replies.
        public static let newStation: UInt8 = 19
    }

    /// `enum nl80211_attrs`.
    public enum Attribute {
        public static let wiphy: UInt16 = 1
        public static let interfaceIndex: UInt16 = 3
        public static let interfaceName: UInt16 = 4
        public static let interfaceType: UInt16 = 5
        public static let mac: UInt16 = 6
        public static let stationInfo: UInt16 = 21
        public static let wiphyFrequency: UInt16 = 38
        public static let ssid: UInt16 = 52
        public static let txPowerLevel: UInt16 = 98
        public static let channelWidth: UInt16 = 159
        public static let centerFrequency1: UInt16 = 160
    }

    /// `enum nl80211_sta_info`: attributes nested in NL80211_ATTR_STA_INFO.
    public enum StationInfo {
        public static let inactiveTime: UInt16 = 1
        public static let rxBytes: UInt16 = 2
        public static let txBytes: UInt16 = 3
        public static let signal: UInt16 = 7
        public static let txBitrate: UInt16 = 8
        public static let rxPackets: UInt16 = 9
        public static let txPackets: UInt16 = 10
        public static let txRetries: UInt16 = 11
        public static let txFailed: UInt16 = 12
        public static let signalAverage: UInt16 = 13
        public static let rxBitrate: UInt16 = 14
        public static let connectedTime: UInt16 = 16
        public static let beaconLoss: UInt16 = 18
        public static let rxBytes64: UInt16 = 23
        public static let txBytes64: UInt16 = 24
        public static let expectedThroughput: UInt16 = 27
    }

    /// `enum nl80211_rate_info`: attributes nested in TX/RX_BITRATE.
    public enum RateInfo {
        /// u16, units of 100 kbit/s; saturates at 6553.5 Mbit/s, hence BITRATE32.
        public static let bitrate: UInt16 = 1
        public static let mcs: UInt16 = 2
        /// u32, units of 100 kbit/s.
        public static let bitrate32: UInt16 = 5
    }

    /// `enum nl80211_iftype`.
    public enum InterfaceType {
        public static let adhoc: UInt32 = 1
        public static let station: UInt32 = 2
        public static let accessPoint: UInt32 = 3
        public static let accessPointVLAN: UInt32 = 4
        public static let monitor: UInt32 = 6
        public static let meshPoint: UInt32 = 7
        public static let p2pClient: UInt32 = 8
        public static let p2pGroupOwner: UInt32 = 9
    }

    /// `enum nl80211_chan_width` → MHz; `nil` for widths we do not name (S1G, 5/10 MHz are rare
    /// on school networks and 80+80 has no single width).
    public static func channelWidthMHz(_ raw: UInt32) -> Int? {
        switch raw {
        case 0, 1: 20  // 20 MHz without and with HT
        case 2: 40
        case 3: 80
        case 5: 160
        case 6: 5
        case 7: 10
        case 13: 320
        default: nil
        }
    }
}
