/// The 2-byte length framing of DNS over TCP (RFC 1035 4.2.2, RFC 7766).
///
/// The passive engine feeds the reassembled client or server byte stream; a message may span
/// segments, and several may share one. ``next(in:)`` looks only at the front of the stream and
/// says how much to consume, so the caller owns buffering.
public enum DNSTCPFraming {
    /// What the front of a DNS-over-TCP stream holds.
    public enum Frame {
        /// A whole message; drop `consumed` bytes (prefix included) from the stream afterwards.
        case message(UnsafeRawBufferPointer, consumed: Int)
        /// The stream holds part of a message; call again once `totalNeeded` bytes are buffered.
        case needMoreData(totalNeeded: Int)
        /// A length below the 12-byte DNS header: not DNS, stop parsing this stream.
        case invalid
    }

    /// Splits the next message off the front of `stream`.
    public static func next(in stream: UnsafeRawBufferPointer) -> Frame {
        var reader = ByteReader(stream)
        guard let length = reader.readUInt16() else { return .needMoreData(totalNeeded: 2) }
        guard length >= 12 else { return .invalid }
        guard let message = reader.readSlice(Int(length)) else {
            return .needMoreData(totalNeeded: 2 + Int(length))
        }
        return .message(message, consumed: reader.offset)
    }

    /// Prefixes an encoded message with its length, for the active probe's TCP queries.
    public static func framed(_ message: [UInt8]) -> [UInt8]? {
        guard message.count <= Int(UInt16.max) else { return nil }
        return [UInt8(message.count >> 8), UInt8(message.count & 0xff)] + message
    }
}
