/// `struct nlmsghdr`: the 16-byte header in front of every netlink message.
///
/// Fields are host order. `length` covers the header itself and the payload, but not the padding
/// that aligns the next message to 4 bytes.
public struct NetlinkMessageHeader: Sendable, Equatable {
    public static let size = 16

    public var length: UInt32
    public var type: UInt16
    public var flags: NetlinkFlags
    public var sequence: UInt32
    /// The sender's port id: 0 for the kernel.
    public var portID: UInt32

    public init(length: UInt32, type: UInt16, flags: NetlinkFlags, sequence: UInt32, portID: UInt32) {
        self.length = length
        self.type = type
        self.flags = flags
        self.sequence = sequence
        self.portID = portID
    }

    /// Reads a header; `nil` (reader unmoved past what it could read) when fewer than 16 bytes remain.
    public static func read(from reader: inout ByteReader) -> NetlinkMessageHeader? {
        guard reader.remaining >= size else { return nil }
        guard let length = reader.readHostUInt32(), let type = reader.readHostUInt16(),
            let flags = reader.readHostUInt16(), let sequence = reader.readHostUInt32(),
            let portID = reader.readHostUInt32()
        else { return nil }
        return NetlinkMessageHeader(
            length: length,
            type: type,
            flags: NetlinkFlags(rawValue: flags),
            sequence: sequence,
            portID: portID
        )
    }

    /// Rounds up to netlink's 4-byte alignment (NLMSG_ALIGN / NLA_ALIGN).
    public static func aligned(_ length: Int) -> Int { (length + 3) & ~3 }
}

/// Message types the netlink core reserves for itself (below NLMSG_MIN_TYPE, 16).
public enum NetlinkMessageType {
    public static let noop: UInt16 = 1
    public static let error: UInt16 = 2
    public static let done: UInt16 = 3
    public static let overrun: UInt16 = 4
    /// The first type a protocol may use; generic netlink's controller has exactly this id.
    public static let minimumProtocolType: UInt16 = 16
}

/// `nlmsghdr.nlmsg_flags`. Some bits mean different things on requests and on ACKs, hence both
/// spellings below.
public struct NetlinkFlags: OptionSet, Sendable, Hashable {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let request = NetlinkFlags(rawValue: 0x01)
    /// Part of a multi-part reply; the last part is followed by NLMSG_DONE.
    public static let multi = NetlinkFlags(rawValue: 0x02)
    public static let ack = NetlinkFlags(rawValue: 0x04)
    public static let echo = NetlinkFlags(rawValue: 0x08)
    /// The dump was interrupted by a change; its contents may be inconsistent.
    public static let dumpInterrupted = NetlinkFlags(rawValue: 0x10)
    public static let root = NetlinkFlags(rawValue: 0x100)
    public static let match = NetlinkFlags(rawValue: 0x200)
    /// NLM_F_ROOT | NLM_F_MATCH: "give me all of them".
    public static let dump: NetlinkFlags = [.root, .match]
    /// On NLMSG_ERROR: the original request's payload was left out (NETLINK_CAP_ACK).
    public static let capped = NetlinkFlags(rawValue: 0x100)
    /// On NLMSG_ERROR/NLMSG_DONE: extended-ack attributes follow.
    public static let ackTLVs = NetlinkFlags(rawValue: 0x200)
}
