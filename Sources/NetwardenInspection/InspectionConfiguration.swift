import NetwardenProtocols

/// Bounds and choices for one ``InspectionEngine``. Every limit here is a memory or CPU cap that
/// holds whatever the traffic does; what falls outside one is counted in
/// ``InspectionStatistics``, never silently lost.
public struct InspectionConfiguration: Sendable {
    /// Most flows tracked at once (the flow table is allocated for exactly this many). When it
    /// is full, the flow closest to its idle timeout is evicted to make room.
    public var maxFlows: Int
    /// Most flows *inspecting* at once per kind (TLS, QUIC, HTTP head, DNS): each holds a pooled
    /// reassembler of up to ``streamCapacity`` bytes, so this bounds that memory. Beyond it a new
    /// flow is tracked but not inspected (counted as ``InspectionStatistics/inspectorsUnavailable``).
    public var maxConcurrentInspections: Int
    /// Idle time after which a TCP flow is dropped.
    public var tcpIdleTimeout: Duration
    /// Idle time after which a UDP flow (QUIC, VPN, ...) is dropped.
    public var udpIdleTimeout: Duration
    /// Idle time after which a DNS flow is dropped and its unanswered questions reported as
    /// `.noAnswer` (stub resolvers retry after 1 to 5 s).
    public var dnsIdleTimeout: Duration
    /// How long a TCP flow is kept after an RST, or FINs from both sides, for late packets.
    public var closedIdleTimeout: Duration
    /// Inspect 1 in this many flows (1 = all). Decided per flow from a hash of its canonical
    /// 5-tuple, so both directions and every packet of a flow get the same answer.
    public var samplingRate: Int
    /// Seed for the flow hash (sampling and table placement). Give each daemon start a random
    /// value so outsiders cannot aim traffic at the sampled-out part or at one table slot; fix it
    /// in tests and replays for repeatable results.
    public var hashSeed: UInt64
    /// Per-flow reassembly cap in bytes (TLS and QUIC ClientHello, DNS-over-TCP message).
    public var streamCapacity: Int
    /// Longest HTTP request head buffered while waiting for `Host`.
    public var httpHeadCapacity: Int
    /// Ports whose UDP and TCP traffic is read as DNS (server side). mDNS (5353) is multicast
    /// chatter between local devices, not name resolution through the gateway, so it is not here.
    public var dnsPorts: [UInt16]
    /// Look for a TLS ClientHello on every TCP port (TLS on odd ports is how proxies and VPNs hide),
    /// not just ``tlsPorts``.
    public var inspectAllTCPPortsForTLS: Bool
    /// Ports where TLS is looked for when ``inspectAllTCPPortsForTLS`` is off.
    public var tlsPorts: [UInt16]
    /// Bounds for putting fragmented IPv4 and IPv6 datagrams (large DNS responses) back together;
    /// one set of slots serves both families.
    public var fragmentLimits: IPReassembler.Limits

    public init(
        maxFlows: Int = 65_536,
        maxConcurrentInspections: Int = 4096,
        tcpIdleTimeout: Duration = .seconds(120),
        udpIdleTimeout: Duration = .seconds(30),
        dnsIdleTimeout: Duration = .seconds(5),
        closedIdleTimeout: Duration = .seconds(10),
        samplingRate: Int = 1,
        hashSeed: UInt64 = 0x6e65_7477_6172_6465,
        streamCapacity: Int = 16 * 1024,
        httpHeadCapacity: Int = 4096,
        dnsPorts: [UInt16] = [53],
        inspectAllTCPPortsForTLS: Bool = true,
        tlsPorts: [UInt16] = [443, 853, 8443],
        fragmentLimits: IPReassembler.Limits = IPReassembler.Limits()
    ) {
        self.maxFlows = maxFlows
        self.maxConcurrentInspections = maxConcurrentInspections
        self.tcpIdleTimeout = tcpIdleTimeout
        self.udpIdleTimeout = udpIdleTimeout
        self.dnsIdleTimeout = dnsIdleTimeout
        self.closedIdleTimeout = closedIdleTimeout
        self.samplingRate = samplingRate
        self.hashSeed = hashSeed
        self.streamCapacity = streamCapacity
        self.httpHeadCapacity = httpHeadCapacity
        self.dnsPorts = dnsPorts
        self.inspectAllTCPPortsForTLS = inspectAllTCPPortsForTLS
        self.tlsPorts = tlsPorts
        self.fragmentLimits = fragmentLimits
    }
}
