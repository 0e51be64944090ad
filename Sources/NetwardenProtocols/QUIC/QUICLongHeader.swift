/// The cleartext part of one QUIC long-header packet, located inside a datagram.
///
/// Only the fields an observer can read before removing header protection: the packet-number
/// length and the reserved bits are still masked here. Offsets are relative to the start of the
/// packet so the caller can slice the datagram without copying.
public struct QUICLongHeader: Sendable, Equatable {
    /// What kind of long-header packet this is, after mapping the version's type bits.
    public enum Kind: Sendable, Equatable {
        case initial
        case zeroRTT
        case handshake
        case retry
    }

    /// The wire version number (0 never reaches here: Version Negotiation is rejected earlier).
    public let version: UInt32
    public let kind: Kind
    /// Destination Connection ID: start offset and length (≤ 20) within the packet.
    public let dcidRange: Range<Int>
    /// Source Connection ID: start offset and length (≤ 20) within the packet.
    public let scidRange: Range<Int>
    /// Initial packets only: the address-validation token (empty when absent).
    public let tokenRange: Range<Int>
    /// Offset of the (protected) packet number, i.e. the end of the cleartext header.
    public let packetNumberOffset: Int
    /// Total bytes this packet occupies in the datagram (header + protected payload), so the next
    /// coalesced packet starts there.
    public let packetLength: Int

    /// Parses the long header at the start of `bytes` (one packet, possibly followed by others).
    /// Returns `nil` for short headers, Version Negotiation, unknown versions, oversize Connection
    /// IDs and truncation, which callers count rather than decode.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> QUICLongHeader? {
        var reader = ByteReader(bytes)
        guard let first = reader.readUInt8(), first & 0x80 != 0,
            let version = reader.readUInt32(), version != 0,
            let known = QUICVersion.known(version),
            let dcidLength = reader.readUInt8(), Int(dcidLength) <= QUICVersion.maxConnectionIDLength
        else { return nil }
        let dcidStart = reader.offset
        guard reader.skip(Int(dcidLength)),
            let scidLength = reader.readUInt8(), Int(scidLength) <= QUICVersion.maxConnectionIDLength
        else { return nil }
        let scidStart = reader.offset
        guard reader.skip(Int(scidLength)) else { return nil }

        let kind = known.kind(typeBits: (first >> 4) & 0x03)

        let dcidRange = dcidStart..<dcidStart + Int(dcidLength)
        let scidRange = scidStart..<scidStart + Int(scidLength)
        if kind == .retry {
            // A Retry has no Length: it always runs to the end of the datagram.
            return QUICLongHeader(
                version: version,
                kind: kind,
                dcidRange: dcidRange,
                scidRange: scidRange,
                tokenRange: reader.offset..<reader.offset,
                packetNumberOffset: reader.offset,
                packetLength: bytes.count
            )
        }

        var tokenRange = reader.offset..<reader.offset
        if kind == .initial {
            guard let tokenLength = reader.readQUICLength() else { return nil }
            tokenRange = reader.offset..<reader.offset + tokenLength
            reader.skip(tokenLength)
        }
        // Length covers packet number + payload + tag; it must fit in what we were given.
        guard let length = reader.readQUICLength() else { return nil }
        let packetNumberOffset = reader.offset
        return QUICLongHeader(
            version: version,
            kind: kind,
            dcidRange: dcidRange,
            scidRange: scidRange,
            tokenRange: tokenRange,
            packetNumberOffset: packetNumberOffset,
            packetLength: packetNumberOffset + length
        )
    }
}
