/// Finds the CRYPTO frames in a decrypted Initial payload (RFC 9000 §19).
///
/// A client's Initial legitimately holds only PADDING, PING, ACK, CRYPTO and CONNECTION_CLOSE.
/// We skip the first three, deliver CRYPTO data, and stop quietly at anything else: we only
/// want the ClientHello, and refusing to guess at frames we do not parse keeps a hostile payload
/// from steering the scan.
public enum QUICCryptoFrames {
    /// Why the scan ended.
    public enum End: Sendable, Equatable {
        /// Every frame was understood.
        case endOfPayload
        /// A frame type we do not walk past (CONNECTION_CLOSE, or one illegal in Initials).
        case stoppedAtFrame(type: UInt64)
        /// A frame ran past the payload or had impossible values.
        case malformed
    }

    /// Calls `body(offset, data)` for each CRYPTO frame in `payload`, in payload order.
    public static func scan(
        _ payload: UnsafeRawBufferPointer,
        _ body: (_ offset: UInt64, _ data: UnsafeRawBufferPointer) -> Void
    ) -> End {
        var reader = ByteReader(payload)
        while !reader.isAtEnd {
            guard let type = reader.readQUICVarint() else { return .malformed }
            switch type {
            case 0x00:  // PADDING: no body, and usually a run of hundreds
                skipPadding(&reader)
            case 0x01:  // PING: no body
                continue
            case 0x02, 0x03:  // ACK, ACK_ECN
                guard skipACK(&reader, withECN: type == 0x03) else { return .malformed }
            case 0x06:  // CRYPTO
                guard let offset = reader.readQUICVarint(), offset <= QUICPacketNumber.max,
                    let length = reader.readQUICLength(),
                    let data = reader.readSlice(length)
                else { return .malformed }
                body(offset, data)
            default:
                return .stoppedAtFrame(type: type)
            }
        }
        return .endOfPayload
    }

    /// Skips a run of zero bytes (more PADDING frames) eight at a time: a client Initial is
    /// padded to 1,200 bytes, and a frame-by-frame walk of that padding was most of the scan.
    private static func skipPadding(_ reader: inout ByteReader) {
        let bytes = reader.bytes
        var position = reader.offset
        while bytes.count - position >= 8 {
            let word = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
            if word != 0 {
                // The first non-zero byte in memory order (x86 and ARM are little-endian).
                position += UInt64(littleEndian: word).trailingZeroBitCount >> 3
                _ = reader.skip(position - reader.offset)
                return
            }
            position += 8
        }
        while position < bytes.count, bytes[position] == 0 { position += 1 }
        _ = reader.skip(position - reader.offset)
    }

    private static func skipACK(_ reader: inout ByteReader, withECN: Bool) -> Bool {
        // Largest Acknowledged, ACK Delay, then the range count.
        guard reader.readQUICVarint() != nil, reader.readQUICVarint() != nil,
            let rangeCount = reader.readQUICLength(),
            reader.readQUICVarint() != nil  // First ACK Range
        else { return false }
        // Each further range is two varints of at least one byte each, so the count is bounded
        // by the bytes left and the loop cannot spin on a huge claimed count.
        for _ in 0..<rangeCount {
            guard reader.readQUICVarint() != nil, reader.readQUICVarint() != nil else { return false }
        }
        if withECN {
            for _ in 0..<3 {
                guard reader.readQUICVarint() != nil else { return false }
            }
        }
        return true
    }
}
