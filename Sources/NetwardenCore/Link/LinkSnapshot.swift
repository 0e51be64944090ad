/// What the kernel says about one network interface at one moment: state and counters.
///
/// Read from sysfs by `NetwardenPlatform.LinkReader`; turned into metrics by `LinkMetrics`.
/// Counters are the kernel's cumulative values (rates are the collector's business), and any
/// attribute the kernel would not give (a down link has no speed, a veth has no duplex) is `nil`
/// rather than a made-up zero.
public struct LinkSnapshot: Sendable, Equatable {
    public var name: String
    /// `up`, `down`, `dormant`, `lowerlayerdown`, `notpresent`, `testing` or `unknown`.
    public var operState: String
    public var carrier: Bool?
    /// Megabits per second, when the driver knows it.
    public var speedMbps: Int?
    /// `full`, `half`, or nil when unknown.
    public var duplex: String?
    public var mtu: Int?
    public var carrierChanges: UInt64?
    public var isWireless: Bool
    public var counters: Counters

    /// Cumulative interface statistics, in the kernel's names.
    public struct Counters: Sendable, Equatable {
        public var rxBytes: UInt64 = 0
        public var txBytes: UInt64 = 0
        public var rxPackets: UInt64 = 0
        public var txPackets: UInt64 = 0
        public var rxErrors: UInt64 = 0
        public var txErrors: UInt64 = 0
        public var rxDropped: UInt64 = 0
        public var txDropped: UInt64 = 0

        public init() {}
    }

    public init(
        name: String,
        operState: String,
        carrier: Bool?,
        speedMbps: Int?,
        duplex: String?,
        mtu: Int?,
        carrierChanges: UInt64?,
        isWireless: Bool,
        counters: Counters
    ) {
        self.name = name
        self.operState = operState
        self.carrier = carrier
        self.speedMbps = speedMbps
        self.duplex = duplex
        self.mtu = mtu
        self.carrierChanges = carrierChanges
        self.isWireless = isWireless
        self.counters = counters
    }

    /// Operationally up. Many virtual interfaces (and loopback) report `unknown` while passing
    /// traffic, so `unknown` with carrier counts as up, as iproute2's `LOWER_UP` would show.
    public var isUp: Bool {
        operState == "up" || (operState == "unknown" && carrier == true)
    }
}
