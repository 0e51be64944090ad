import NetwardenCore
import NetwardenProtocols

// The pure core cannot see NetwardenProtocols (and should not care which kernel interface
// produced a reading), so the nl80211 records are translated into the core's Wi-Fi model here,
// at the one place that sees both.

extension WifiInterfaceInfo {
    /// Maps a GET_INTERFACE record; `bssid` comes from the station table in station mode.
    public init(_ interface: NL80211Interface, bssid: String?) {
        self.init(
            name: interface.name ?? "ifindex\(interface.interfaceIndex)",
            mode: Mode(nl80211Type: interface.interfaceType),
            ssid: interface.ssid.map(WifiText.ssid),
            bssid: bssid,
            mac: interface.mac.map(WifiText.mac),
            frequencyMHz: interface.frequencyMHz.map(Int.init),
            channelWidthMHz: interface.channelWidthMHz
        )
    }
}

extension WifiInterfaceInfo.Mode {
    /// From `nl80211_iftype`. P2P client/GO behave as station/AP for health purposes.
    public init(nl80211Type: UInt32?) {
        switch nl80211Type {
        case NL80211.InterfaceType.station, NL80211.InterfaceType.p2pClient: self = .station
        case NL80211.InterfaceType.accessPoint, NL80211.InterfaceType.p2pGroupOwner: self = .accessPoint
        case NL80211.InterfaceType.adhoc: self = .adhoc
        case NL80211.InterfaceType.monitor: self = .monitor
        case NL80211.InterfaceType.meshPoint: self = .mesh
        default: self = .other
        }
    }
}

extension WifiStationInfo {
    /// Maps a GET_STATION record.
    public init(_ station: NL80211Station) {
        self.init(mac: WifiText.mac(station.mac))
        signalDBm = station.signalDBm
        signalAverageDBm = station.signalAverageDBm
        txBitrateBitsPerSecond = station.txBitrateBitsPerSecond
        rxBitrateBitsPerSecond = station.rxBitrateBitsPerSecond
        txRetries = station.txRetries.map(UInt64.init)
        txFailed = station.txFailed.map(UInt64.init)
        beaconLoss = station.beaconLoss.map(UInt64.init)
        rxBytes = station.rxBytes
        txBytes = station.txBytes
        rxPackets = station.rxPackets.map(UInt64.init)
        txPackets = station.txPackets.map(UInt64.init)
        connectedSeconds = station.connectedSeconds.map(UInt64.init)
        inactiveMilliseconds = station.inactiveMilliseconds.map(UInt64.init)
    }
}

/// Text forms of Wi-Fi binary values for labels and logs.
enum WifiText {
    private static let hex = Array("0123456789abcdef".utf8)

    /// `aa:bb:cc:dd:ee:ff`, lower case like `iw` and `ip link` print it.
    static func mac(_ bytes: [UInt8]) -> String {
        var text: [UInt8] = []
        for (index, byte) in bytes.enumerated() {
            if index > 0 { text.append(UInt8(ascii: ":")) }
            text.append(hex[Int(byte >> 4)])
            text.append(hex[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The SSID as text. SSIDs are arbitrary bytes: valid UTF-8 without control characters is
    /// kept; anything else is escaped as `\xNN` (as `iw` does), so a label never carries raw
    /// control bytes and two different SSIDs never print the same.
    static func ssid(_ bytes: [UInt8]) -> String {
        if let text = String(validating: bytes, as: UTF8.self),
            !text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f || $0 == "\\" })
        {
            return text
        }
        var text: [UInt8] = []
        for byte in bytes {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\\") {
                text.append(byte)
            } else {
                text += Array("\\x".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0x0f)]]
            }
        }
        return String(decoding: text, as: UTF8.self)
    }
}
