/// Radio health of one peer: the access point we are associated with (station mode) or one
/// associated client (AP mode).
///
/// Counters are cumulative since association, so they reset on roaming or reassociation;
/// Prometheus' `rate()` copes with that as with any counter reset. Absent fields are ones the
/// driver does not report.
public struct WifiStationInfo: Sendable, Equatable {
    public var mac: String
    public var signalDBm: Int?
    public var signalAverageDBm: Int?
    public var txBitrateBitsPerSecond: UInt64?
    public var rxBitrateBitsPerSecond: UInt64?
    public var txRetries: UInt64?
    public var txFailed: UInt64?
    public var beaconLoss: UInt64?
    public var rxBytes: UInt64?
    public var txBytes: UInt64?
    public var rxPackets: UInt64?
    public var txPackets: UInt64?
    public var connectedSeconds: UInt64?
    public var inactiveMilliseconds: UInt64?

    public init(mac: String) {
        self.mac = mac
    }

    /// The best single signal figure: the instantaneous one, else the driver's average.
    public var bestSignalDBm: Int? { signalDBm ?? signalAverageDBm }
}
