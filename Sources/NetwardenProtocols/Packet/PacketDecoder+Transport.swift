extension PacketDecoder {
    /// Decodes the TCP or UDP header at the start of `packet.ipPayload` and narrows `payload`.
    ///
    /// `declaredLength` is what the IP header says the payload is; `ipPayload` may be shorter when
    /// the capture was cut (snaplen). Other protocols are left as `.none`.
    static func decodeTransport(
        _ packet: inout DecodedPacket,
        declaredLength: Int
    ) throws(DecodeFailure) {
        let bytes = packet.ipPayload
        var reader = ByteReader(bytes)
        switch packet.ipProtocol {
        case IPProtocolNumber.tcp:
            guard declaredLength >= 20 else { throw .badTCPHeader }
            guard let sourcePort = reader.readUInt16(),
                let destinationPort = reader.readUInt16(),
                let sequence = reader.readUInt32(),
                let acknowledgement = reader.readUInt32(),
                let offsetAndFlags = reader.readUInt16(),
                let window = reader.readUInt16()
            else { throw .truncated }
            let headerLength = Int(offsetAndFlags >> 12) * 4
            guard headerLength >= 20, headerLength <= declaredLength else { throw .badTCPHeader }
            guard headerLength <= bytes.count else { throw .truncated }
            packet.transport = .tcp(
                TCPHeader(
                    sourcePort: sourcePort,
                    destinationPort: destinationPort,
                    sequenceNumber: sequence,
                    acknowledgementNumber: acknowledgement,
                    flags: TCPFlags(rawValue: offsetAndFlags & 0x01ff),
                    headerLength: headerLength,
                    window: window
                )
            )
            packet.payload = UnsafeRawBufferPointer(rebasing: bytes[headerLength...])
        case IPProtocolNumber.udp:
            guard declaredLength >= 8 else { throw .badUDPHeader }
            guard let sourcePort = reader.readUInt16(),
                let destinationPort = reader.readUInt16(),
                let length = reader.readUInt16(),
                reader.skip(2)
            else { throw .truncated }
            let datagramLength = Int(length)
            guard datagramLength >= 8, datagramLength <= declaredLength else { throw .badUDPHeader }
            packet.transport = .udp(
                UDPHeader(sourcePort: sourcePort, destinationPort: destinationPort, length: length)
            )
            packet.payload = UnsafeRawBufferPointer(rebasing: bytes[8..<min(datagramLength, bytes.count)])
        default:
            break
        }
    }

    /// Decodes the transport header of a datagram that ``IPReassembler`` put back together, so
    /// reassembled traffic reaches the same code as unfragmented packets. The slices point into
    /// `datagram.payload` and are valid only as long as it is.
    public static func decode(
        reassembled datagram: ReassembledDatagram,
        linkType: LinkType
    ) throws(DecodeFailure) -> DecodedPacket {
        var decoded = DecodedPacket(
            linkType: linkType,
            source: datagram.source,
            destination: datagram.destination,
            hopLimit: datagram.hopLimit,
            ipProtocol: datagram.ipProtocol,
            ipPayload: datagram.payload,
            isTruncated: false,
            transport: .none,
            payload: datagram.payload
        )
        try decodeTransport(&decoded, declaredLength: datagram.payload.count)
        return decoded
    }
}
