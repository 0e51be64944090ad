/// How a live handle is set up before `pcap_activate`.
///
/// The defaults suit a gateway capturing for names at line rate on one core:
///
/// - **Snapshot length 4096.** Names sit in the first bytes of a flow's first packets, and every
///   segment is at most MTU + link headers (1514 bytes, 1518 with a VLAN tag), so anything at
///   least that large sees whole segments: a ClientHello of up to ~16 KB arrives as several
///   segments anyway and is reassembled by the engine. The margin above 1518 is for GRO: a
///   forwarding gateway's packet socket sees segments the NIC or veth merged (up to 64 KB), and a
///   two-segment post-quantum ClientHello merged into one ~2.1 KB packet must not lose its tail.
///   Raise to 9216 + headers on jumbo-frame links, or turn GRO off (`ethtool -K IF gro off`) to
///   see wire-sized packets. With TPACKET_V3 the ring holds variable-sized frames, so a large
///   snapshot length costs copy bandwidth only for large packets, not ring space.
/// - **Buffer 64 MiB.** libpcap's 2 MiB default holds ~2 ms at 10 Gbit/s; 64 MiB rides out
///   ~50 ms of stall (a page fault storm, a slow event sink) before the kernel drops.
/// - **Not promiscuous.** A gateway routes the school's traffic, so it is addressed to the
///   gateway's own MAC; promiscuous mode would only add other hosts' unicast noise.
/// - **Timeout 100 ms, no immediate mode.** TPACKET_V3 hands over whole blocks of packets; the
///   timeout bounds how long a block waits on a quiet link. Immediate mode would wake the
///   capture thread per packet, which is what block batching exists to avoid.
/// - **Nanosecond timestamps**, so PacketTime keeps the kernel's resolution.
public struct LiveCaptureOptions: Hashable, Sendable {
    /// Bytes kept per packet (`pcap_set_snaplen`).
    public var snapshotLength: Int32 = 4096
    /// Kernel ring size in bytes (`pcap_set_buffer_size`).
    public var bufferSize: Int32 = 64 << 20
    /// `pcap_set_promisc`.
    public var promiscuous = false
    /// TPACKET_V3 block timeout in milliseconds (`pcap_set_timeout`).
    public var blockTimeoutMilliseconds: Int32 = 100
    /// How long one wait for packets may last before the loop checks whether to stop; bounds
    /// the stop latency of a live source.
    public var stopCheckIntervalMilliseconds: Int32 = 100

    public init() {}

    public init(
        snapshotLength: Int32 = 4096,
        bufferSize: Int32 = 64 << 20,
        promiscuous: Bool = false,
        blockTimeoutMilliseconds: Int32 = 100,
        stopCheckIntervalMilliseconds: Int32 = 100
    ) {
        self.snapshotLength = snapshotLength
        self.bufferSize = bufferSize
        self.promiscuous = promiscuous
        self.blockTimeoutMilliseconds = blockTimeoutMilliseconds
        self.stopCheckIntervalMilliseconds = stopCheckIntervalMilliseconds
    }
}
