/// One netlink message: its header and the payload after it, viewing the receive buffer.
public struct NetlinkMessage {
    public let header: NetlinkMessageHeader
    /// Bytes after the 16-byte header, up to `header.length` (padding excluded).
    public let payload: UnsafeRawBufferPointer
    /// Where the message starts in the datagram it came from.
    public let offset: Int

    public init(header: NetlinkMessageHeader, payload: UnsafeRawBufferPointer, offset: Int) {
        self.header = header
        self.payload = payload
        self.offset = offset
    }
}

/// Splits one received datagram into netlink messages.
///
/// The kernel packs several messages into one datagram (a dump batch is typically ~16 KiB) and
/// never splits one message across datagrams, so a message that claims more bytes than remain is
/// corruption or truncation (MSG_TRUNC), not "wait for more": the walk stops and `error` says where.
public struct NetlinkMessageReader: IteratorProtocol {
    private var reader: ByteReader
    /// Set when the walk stopped on a bad header; `nil` after a clean end.
    public private(set) var error: NetlinkError?

    public init(_ datagram: UnsafeRawBufferPointer) {
        reader = ByteReader(datagram)
    }

    public mutating func next() -> NetlinkMessage? {
        guard error == nil, !reader.isAtEnd else { return nil }
        let start = reader.offset
        var headerReader = reader
        guard let header = NetlinkMessageHeader.read(from: &headerReader) else {
            error = NetlinkError(
                .truncated,
                "\(reader.remaining) bytes cannot hold a \(NetlinkMessageHeader.size)-byte message header",
                offset: start
            )
            return nil
        }
        let length = Int(header.length)
        guard length >= NetlinkMessageHeader.size else {
            error = NetlinkError(.badLength, "message length \(length) is shorter than its header", offset: start)
            return nil
        }
        guard length <= reader.remaining else {
            error = NetlinkError(
                .badLength,
                "message length \(length) runs past the \(reader.remaining) bytes left",
                offset: start
            )
            return nil
        }
        reader.skip(NetlinkMessageHeader.size)
        guard let payload = reader.readSlice(length - NetlinkMessageHeader.size) else { return nil }
        reader.skip(min(NetlinkMessageHeader.aligned(length) - length, reader.remaining))
        return NetlinkMessage(header: header, payload: payload, offset: start)
    }
}
