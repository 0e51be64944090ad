import NetwardenInspection
import NetwardenProtocols

/// One packet as libpcap hands it over: a view of its captured bytes, how long it was on the
/// wire, when it was captured and how to read its link header.
///
/// `frame` points into libpcap's buffer (the TPACKET_V3 ring for live captures) and is valid only
/// inside the closure that received it; copy what must outlive the call. That is what keeps the
/// per-packet path free of copies and allocations.
public struct CapturedPacket {
    /// The captured bytes: `caplen` of them, at most the snapshot length.
    public var frame: UnsafeRawBufferPointer
    /// The packet's length on the wire (`len`); larger than `frame.count` when the snapshot
    /// length cut it.
    public var originalLength: Int
    /// The capture timestamp with nanosecond resolution.
    public var time: PacketTime
    public var linkType: LinkType

    public init(frame: UnsafeRawBufferPointer, originalLength: Int, time: PacketTime, linkType: LinkType) {
        self.frame = frame
        self.originalLength = originalLength
        self.time = time
        self.linkType = linkType
    }

    /// The snapshot length cut this packet short.
    public var isTruncated: Bool { frame.count < originalLength }
}
