import NetwardenProtocols

/// Packets from a pcap or pcapng file, for `netwarden analyze` and tests: the same loop and
/// engine as the live source, reading as fast as the file allows.
public final class OfflinePacketSource: PacketSource {
    /// Classic pcap files the engine decodes are read in place (`PcapFileReader`); everything
    /// else (pcapng, other link types, old versions, a filter, standard input) through libpcap.
    private enum Reader {
        case inPlace(PcapFileReader)
        case libpcap(PcapHandle)
    }

    /// How a file is read: `.fastest` takes the in-place reader where it can and libpcap with a
    /// read-ahead stream otherwise; the others are for tests that compare them.
    public enum Reading: Sendable, Equatable {
        case fastest
        /// The in-place reader where it can, with chunks of this many bytes (tests use small
        /// ones so that many records straddle two chunks).
        case inPlace(chunkBytes: Int)
        /// libpcap reading through a plain 128 KiB stdio buffer, as before read-ahead.
        case libpcapOnly
    }

    private let reader: Reader
    public let counters = CaptureCounters()
    public let name: String
    public var linkType: LinkType {
        switch reader {
        case .inPlace(let file): file.linkType
        case .libpcap(let handle): handle.linkType
        }
    }

    /// Packets per `pcap_dispatch` call: large enough to amortise the call, small enough that a
    /// stop request is seen within a millisecond or so.
    private static let batchSize: Int32 = 4096

    /// Opens `path`. `filter` (nil: none) is compiled for the file's link type, so a VLAN clause
    /// never meets a raw-IP file that cannot have tags.
    public init(path: String, filter: CaptureFilter? = nil, reading: Reading = .fastest) throws(CaptureError) {
        name = path
        let chunkBytes: Int? =
            switch reading {
            case .fastest: PcapHandle.readAheadChunkBytes
            case .inPlace(let bytes): bytes
            case .libpcapOnly: nil
            }
        if filter == nil, path != "-", let chunkBytes,
            let file = try PcapFileReader.open(path: path, chunkBytes: chunkBytes)
        {
            reader = .inPlace(file)
            return
        }
        let handle = try PcapHandle.openOffline(path: path, readAhead: reading != .libpcapOnly)
        if let filter { try handle.setFilter(filter.expression(for: handle.linkType)) }
        reader = .libpcap(handle)
    }

    public func run(
        until stop: CaptureStopFlag,
        betweenBatches: () -> Void,
        _ body: (CapturedPacket) -> Void
    ) throws(CaptureError) {
        var snapshot = CaptureCounters.Snapshot()
        defer { counters.publish(snapshot) }
        while !stop.isStopped {
            let outcome: PcapHandle.DispatchOutcome
            switch reader {
            case .inPlace(let file):
                outcome = try file.dispatch(maxPackets: Int(Self.batchSize)) { packet in
                    snapshot.delivered &+= 1
                    if packet.isTruncated { snapshot.truncated &+= 1 }
                    body(packet)
                }
            case .libpcap(let handle):
                outcome = try handle.dispatch(maxPackets: Self.batchSize) { packet in
                    snapshot.delivered &+= 1
                    if packet.isTruncated { snapshot.truncated &+= 1 }
                    body(packet)
                }
            }
            betweenBatches()
            if outcome == .endOfFile { return }
        }
    }
}
