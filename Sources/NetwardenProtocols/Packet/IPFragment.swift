/// Where an IP fragment belongs in its datagram (IPv4 flags/offset, or the IPv6 Fragment header).
///
/// A packet that carries this has no transport header decoded: only the first fragment holds one,
/// and only reassembly (``IPReassembler``) can say how long the datagram is.
public struct IPFragment: Hashable, Sendable {
    /// IPv4 Identification (16 bits) or IPv6 Fragment Identification (32 bits).
    public var identification: UInt32
    /// Byte offset of this fragment's data in the original datagram's payload.
    public var offset: Int
    /// More fragments follow (MF / M flag).
    public var moreFragments: Bool

    public init(identification: UInt32, offset: Int, moreFragments: Bool) {
        self.identification = identification
        self.offset = offset
        self.moreFragments = moreFragments
    }
}
