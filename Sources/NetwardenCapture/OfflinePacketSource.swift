import NetwardenProtocols

/// Packets from a pcap or pcapng file, for `netwarden analyze` and tests: the same loop and
/// engine as the live source, reading as fast as the file allows.
public final class OfflinePacketSource: PacketSource {
    private let handle: PcapHandle
    public let counters = CaptureCounters()
    public var name: String { handle.source }
    public var linkType: LinkType { handle.linkType }

    /// Packets per `pcap_dispatch` call: large enough to amortise the call, small enough that a
    /// stop request is seen within a millisecond or so.
    private static let batchSize: Int32 = 4096

    /// Opens `path`. `filter` (nil: none) is compiled for the file's link type, so a VLAN clause
    /// never meets a raw-IP file that cannot have tags.
    public init(path: String, filter: CaptureFilter? = nil) throws(CaptureError) {
        handle = try PcapHandle.openOffline(path: path)
        if let filter { try handle.setFilter(filter.expression(for: handle.linkType)) }
    }

    public func run(
        until stop: CaptureStopFlag,
        betweenBatches: () -> Void,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError) {
        var snapshot = CaptureCounters.Snapshot()
        defer { counters.publish(snapshot) }
        while !stop.isStopped {
            let outcome = try handle.dispatch(maxPackets: Self.batchSize) { packet in
                snapshot.delivered &+= 1
                if packet.isTruncated { snapshot.truncated &+= 1 }
                body(packet)
            }
            betweenBatches()
            if outcome == .endOfFile { return }
        }
    }
}
