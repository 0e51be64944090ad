/// The body of NLMSG_ERROR (`struct nlmsgerr` plus extended-ack attributes): an ACK when
/// `error` is 0, otherwise the kernel's refusal of one of our requests.
public struct NetlinkErrorMessage: Sendable, Equatable {
    /// 0 for an ACK, else a negative errno (Linux numbering).
    public var error: Int32
    /// The header of the request this answers, which carries its sequence number.
    public var request: NetlinkMessageHeader
    /// NLMSGERR_ATTR_MSG: a human-readable reason ("Unknown family" and the like), if sent.
    public var kernelMessage: String?

    public init(error: Int32, request: NetlinkMessageHeader, kernelMessage: String? = nil) {
        self.error = error
        self.request = request
        self.kernelMessage = kernelMessage
    }

    static let extendedAckMessage: UInt16 = 1

    /// Decodes `message`, which must be of type NLMSG_ERROR.
    public static func decode(_ message: NetlinkMessage) throws(NetlinkError) -> NetlinkErrorMessage {
        var reader = ByteReader(message.payload)
        let where_ = message.offset + NetlinkMessageHeader.size
        guard let raw = reader.readHostUInt32(), let request = NetlinkMessageHeader.read(from: &reader) else {
            throw NetlinkError(.truncated, "error message body of \(message.payload.count) bytes", offset: where_)
        }
        var result = NetlinkErrorMessage(error: Int32(bitPattern: raw), request: request)
        // Unless capped, the kernel echoes our whole request after its header; skip it.
        if !message.header.flags.contains(.capped) {
            let echoed = Int(request.length) - NetlinkMessageHeader.size
            guard echoed >= 0, reader.skip(NetlinkMessageHeader.aligned(echoed)) || reader.skip(echoed) else {
                // A short echo only loses the extended ack; the error code itself is intact.
                return result
            }
        }
        if message.header.flags.contains(.ackTLVs), reader.remaining > 0, let rest = reader.readSlice(reader.remaining)
        {
            var attributes = try NetlinkAttributeReader(rest, baseOffset: where_ + (message.payload.count - rest.count))
            while let attribute = attributes.next() {
                if attribute.type == extendedAckMessage { result.kernelMessage = attribute.string }
            }
        }
        return result
    }
}
