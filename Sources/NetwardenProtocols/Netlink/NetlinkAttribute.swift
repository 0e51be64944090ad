/// One netlink attribute (`struct nlattr` plus its payload), viewing bytes someone else owns.
///
/// The type has NLA_F_NESTED and NLA_F_NET_BYTEORDER masked off; whether the sender set the
/// nested bit is kept in `isNestedFlagSet`, but decoders must not rely on it: nl80211 builds
/// several nests (STA_INFO, rate info) without the flag, so the schema, not the flag, says what
/// nests. Typed accessors insist on the exact size the kernel's policy uses, so a u16 sent where
/// we expect a u32 reads as "absent" instead of as garbage.
public struct NetlinkAttribute {
    public static let headerSize = 4
    static let nestedFlag: UInt16 = 0x8000
    static let networkByteOrderFlag: UInt16 = 0x4000

    public let type: UInt16
    public let isNestedFlagSet: Bool
    public let payload: UnsafeRawBufferPointer
    /// Offset of the attribute header within the buffer the iteration started from.
    public let offset: Int

    public init(type: UInt16, isNestedFlagSet: Bool, payload: UnsafeRawBufferPointer, offset: Int) {
        self.type = type
        self.isNestedFlagSet = isNestedFlagSet
        self.payload = payload
        self.offset = offset
    }

    public var uint8: UInt8? { payload.count == 1 ? payload[0] : nil }
    public var int8: Int8? { uint8.map { Int8(bitPattern: $0) } }
    public var uint16: UInt16? { payload.count == 2 ? payload.loadUnaligned(as: UInt16.self) : nil }
    public var uint32: UInt32? { payload.count == 4 ? payload.loadUnaligned(as: UInt32.self) : nil }
    public var int32: Int32? { uint32.map { Int32(bitPattern: $0) } }
    public var uint64: UInt64? { payload.count == 8 ? payload.loadUnaligned(as: UInt64.self) : nil }

    /// A NUL-terminated string (NLA_NUL_STRING / NLA_STRING); stops at the first NUL, tolerates
    /// its absence. Invalid UTF-8 is replaced, not rejected: names are shown, never trusted.
    public var string: String {
        let end = payload.firstIndex(of: 0) ?? payload.count
        return String(decoding: UnsafeRawBufferPointer(rebasing: payload[..<end]), as: UTF8.self)
    }

    /// The payload copied out, for binary values (MAC addresses, SSIDs) that outlive the buffer.
    public var bytes: [UInt8] { Array(payload) }

}
