/// `[capture]`: passive filter-compliance monitoring of the school's traffic.
///
/// Off by default: capture needs a LAN-facing interface and the school's agreement, so a
/// technician turns it on deliberately.
public struct CaptureSection: ConfigSection {
    public static let name = "capture"

    /// Which traffic the kernel hands to netwarden.
    public enum Traffic: String, Sendable, CaseIterable {
        /// All IP traffic: TLS is recognised on any TCP port.
        case all
        /// TCP, DNS, QUIC/HTTPS (UDP 443) and DoT/DoQ (853): less to copy on a busy gateway.
        case names
    }

    public var enabled: Bool
    /// Interfaces to capture on; empty means the `[interfaces] lan` list.
    public var interfaces: [String]
    /// Inspect 1 in N flows (decided per flow, so handshakes stay whole). 1 = every flow.
    public var sampleOneIn: Int
    public var traffic: Traffic
    /// Kernel ring buffer per interface (TPACKET_V3), MiB.
    public var bufferMiB: Int
    /// Bytes kept of each packet; names sit in the first segment bytes, so ~4 KiB suffices even
    /// with GRO-merged segments.
    public var snapshotBytes: Int
    public var promiscuous: Bool
    /// Hard cap on tracked flows (memory stays flat however busy the link).
    public var maxFlows: Int

    public init(
        enabled: Bool = false,
        interfaces: [String] = [],
        sampleOneIn: Int = 1,
        traffic: Traffic = .all,
        bufferMiB: Int = 64,
        snapshotBytes: Int = 4096,
        promiscuous: Bool = false,
        maxFlows: Int = 262_144
    ) {
        self.enabled = enabled
        self.interfaces = interfaces
        self.sampleOneIn = sampleOneIn
        self.traffic = traffic
        self.bufferMiB = bufferMiB
        self.snapshotBytes = snapshotBytes
        self.promiscuous = promiscuous
        self.maxFlows = maxFlows
    }

    public static let defaults = CaptureSection()

    public init(from reader: ConfigTableReader) {
        let defaults = Self.defaults
        enabled = reader.bool("enabled", default: defaults.enabled)
        interfaces = reader.value("interfaces", .strings(InterfaceName.type), default: defaults.interfaces)
        sampleOneIn = reader.int("sample_one_in", range: 1...1_000_000, default: defaults.sampleOneIn)
        traffic = reader.word("traffic", default: defaults.traffic)
        bufferMiB = reader.int("buffer_mib", range: 2...4096, default: defaults.bufferMiB)
        snapshotBytes = reader.int("snapshot_bytes", range: 256...262_144, default: defaults.snapshotBytes)
        promiscuous = reader.bool("promiscuous", default: defaults.promiscuous)
        maxFlows = reader.int("max_flows", range: 1024...16_777_216, default: defaults.maxFlows)
    }
}
