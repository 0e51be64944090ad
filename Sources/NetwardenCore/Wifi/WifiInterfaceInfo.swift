/// What a wireless interface is doing: its mode and, when associated or serving, the network.
///
/// Filled from nl80211 (the platform layer maps the kernel's numbers onto this). In station mode
/// `bssid` is the access point we are associated with, taken from the station table, since
/// GET_INTERFACE reports only our own address.
public struct WifiInterfaceInfo: Sendable, Equatable {
    /// The interface's role. Raw values are the `mode` label.
    public enum Mode: String, Sendable {
        case station
        case accessPoint = "ap"
        case adhoc
        case monitor
        case mesh
        case other
    }

    public var name: String
    public var mode: Mode
    /// Printable SSID (invalid UTF-8 escaped by the reader).
    public var ssid: String?
    public var bssid: String?
    /// Our own MAC address.
    public var mac: String?
    public var frequencyMHz: Int?
    public var channel: Int?
    public var channelWidthMHz: Int?

    /// `channel` defaults to the one `frequencyMHz` lies on.
    public init(
        name: String,
        mode: Mode,
        ssid: String? = nil,
        bssid: String? = nil,
        mac: String? = nil,
        frequencyMHz: Int? = nil,
        channel: Int? = nil,
        channelWidthMHz: Int? = nil
    ) {
        self.name = name
        self.mode = mode
        self.ssid = ssid
        self.bssid = bssid
        self.mac = mac
        self.frequencyMHz = frequencyMHz
        self.channel = channel ?? frequencyMHz.flatMap { WifiChannel.number(frequencyMHz: $0) }
        self.channelWidthMHz = channelWidthMHz
    }
}
