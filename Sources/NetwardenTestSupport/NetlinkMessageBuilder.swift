/// Writes netlink messages byte by byte, as the kernel would send them, for decoder tests.
///
/// Deliberately independent of NetwardenProtocols' encoder: tests of the decoder must not share
/// code (and so bugs) with it. Integers are written little-endian, the host order of every
/// machine netwarden runs on. The raw escape hatches (`rawAttribute`, `raw`) write arbitrary
/// lengths so tests can build the malformed inputs the decoder must survive.
public struct NetlinkMessageBuilder {
    public private(set) var bytes: [UInt8] = []

    public init() {}

    // MARK: messages

    /// Appends one message; `body` writes its payload. The length is filled in afterwards and
    /// the message padded to 4 bytes.
    public mutating func message(
        type: UInt16,
        flags: UInt16,
        sequence: UInt32,
        portID: UInt32 = 0,
        _ body: (inout NetlinkMessageBuilder) -> Void
    ) {
        let start = bytes.count
        u32le(0)
        u16le(type)
        u16le(flags)
        u32le(sequence)
        u32le(portID)
        body(&self)
        patch32(UInt32(bytes.count - start), at: start)
        pad()
    }

    /// A generic netlink message (`genlmsghdr` first).
    public mutating func genericMessage(
        family: UInt16,
        command: UInt8,
        flags: UInt16,
        sequence: UInt32,
        _ body: (inout NetlinkMessageBuilder) -> Void
    ) {
        message(type: family, flags: flags, sequence: sequence) { builder in
            builder.bytes += [command, 1, 0, 0]
            body(&builder)
        }
    }

    /// NLMSG_DONE with its int status (0 for success, -errno for a failed dump).
    public mutating func done(sequence: UInt32, status: Int32 = 0, flags: UInt16 = 0x02) {
        message(type: 3, flags: flags, sequence: sequence) { $0.u32le(UInt32(bitPattern: status)) }
    }

    /// NLMSG_ERROR answering a request of `requestType`: an ACK when `errno` is 0. With
    /// `extendedAck` the message is capped and carries NLMSGERR_ATTR_MSG, like a kernel with
    /// NETLINK_CAP_ACK and NETLINK_EXT_ACK enabled.
    public mutating func error(sequence: UInt32, errno: Int32, requestType: UInt16 = 16, extendedAck: String? = nil) {
        let flags: UInt16 = extendedAck == nil ? 0 : 0x100 | 0x200
        message(type: 2, flags: flags, sequence: sequence) { builder in
            builder.u32le(UInt32(bitPattern: -errno))
            // The echoed request header (capped: header only, length as the request had it).
            builder.u32le(extendedAck == nil ? 16 : 32)
            builder.u16le(requestType)
            builder.u16le(0x05)
            builder.u32le(sequence)
            builder.u32le(0)
            if extendedAck == nil {
                // Uncapped: the request's own 16-byte body follows; zeros stand in for it.
                builder.bytes += [UInt8](repeating: 0, count: 16)
            } else if let text = extendedAck {
                builder.string(1, text)
            }
        }
    }

    /// Arbitrary bytes, e.g. a truncated header.
    public mutating func raw(_ data: [UInt8]) { bytes += data }

    // MARK: attributes

    public mutating func attribute(_ type: UInt16, _ payload: [UInt8]) {
        u16le(UInt16(4 + payload.count))
        u16le(type)
        bytes += payload
        pad()
    }

    /// An attribute header with any length, followed by `payload` unpadded: for malformed input.
    public mutating func rawAttribute(length: UInt16, type: UInt16, payload: [UInt8] = []) {
        u16le(length)
        u16le(type)
        bytes += payload
    }

    public mutating func u8(_ type: UInt16, _ value: UInt8) { attribute(type, [value]) }
    public mutating func s8(_ type: UInt16, _ value: Int8) { attribute(type, [UInt8(bitPattern: value)]) }
    public mutating func u16(_ type: UInt16, _ value: UInt16) { attribute(type, Self.le(value)) }
    public mutating func u32(_ type: UInt16, _ value: UInt32) { attribute(type, Self.le(value)) }
    public mutating func u64(_ type: UInt16, _ value: UInt64) { attribute(type, Self.le(value)) }
    /// A NUL-terminated string attribute.
    public mutating func string(_ type: UInt16, _ value: String) { attribute(type, Array(value.utf8) + [0]) }

    /// A nested attribute. nl80211 sends most nests *without* NLA_F_NESTED, so that is the
    /// default; `flagged` sets it.
    public mutating func nested(_ type: UInt16, flagged: Bool = false, _ body: (inout NetlinkMessageBuilder) -> Void) {
        let start = bytes.count
        u16le(0)
        u16le(flagged ? type | 0x8000 : type)
        body(&self)
        let length = bytes.count - start
        bytes[start] = UInt8(length & 0xff)
        bytes[start + 1] = UInt8(length >> 8)
        pad()
    }

    // MARK: integers

    public static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }

    private mutating func u16le(_ value: UInt16) { bytes += Self.le(value) }
    private mutating func u32le(_ value: UInt32) { bytes += Self.le(value) }

    private mutating func patch32(_ value: UInt32, at offset: Int) {
        for (index, byte) in Self.le(value).enumerated() { bytes[offset + index] = byte }
    }

    private mutating func pad() {
        while bytes.count % 4 != 0 { bytes.append(0) }
    }
}
