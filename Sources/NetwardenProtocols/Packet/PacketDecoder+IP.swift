extension PacketDecoder {
    /// Decodes an IPv4 header at the reader's position and the transport header after it.
    static func decodeIPv4(
        _ reader: inout ByteReader,
        _ vlan: VLANTags,
        _ linkType: LinkType,
        into decoded: inout DecodedPacket
    ) throws(DecodeFailure) {
        let packet = UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset...])
        var header = ByteReader(packet)
        guard let versionAndLength = header.readUInt8() else { throw .truncated }
        guard versionAndLength >> 4 == 4 else { throw .badIPHeader }
        let headerLength = Int(versionAndLength & 0x0f) * 4
        guard headerLength >= 20 else { throw .badIPHeader }
        guard packet.count >= headerLength,
            header.skip(1),
            let totalLengthField = header.readUInt16(),
            let identification = header.readUInt16(),
            let flagsAndOffset = header.readUInt16(),
            let ttl = header.readUInt8(),
            let proto = header.readUInt8(),
            header.skip(2),
            let source = header.readUInt32(),
            let destination = header.readUInt32()
        else { throw .truncated }

        // A total length of 0 is what TCP segmentation offload leaves in packets the host itself
        // sends; trust the capture then, as Zeek does, rather than calling them malformed.
        let declared = totalLengthField == 0 ? packet.count : Int(totalLengthField)
        guard declared >= headerLength else { throw .badIPHeader }
        // Ethernet pads short frames to 60 bytes: the IP length, not the frame, says where data ends.
        let end = min(declared, packet.count)
        let ipPayload = UnsafeRawBufferPointer(rebasing: packet[headerLength..<end])

        decoded.setNetworkLayer(
            linkType: linkType,
            vlan: vlan,
            source: IPAddress(ipv4: source),
            destination: IPAddress(ipv4: destination),
            hopLimit: ttl,
            ipProtocol: proto,
            fragment: nil,
            ipPayload: ipPayload,
            isTruncated: declared > packet.count
        )
        let moreFragments = flagsAndOffset & 0x2000 != 0
        let fragmentOffset = Int(flagsAndOffset & 0x1fff) * 8
        if moreFragments || fragmentOffset != 0 {
            decoded.fragment = IPFragment(
                identification: UInt32(identification),
                offset: fragmentOffset,
                moreFragments: moreFragments
            )
            return
        }
        try decodeTransport(&decoded, declaredLength: declared - headerLength)
    }

    /// Decodes an IPv6 header, walks its extension headers, then decodes the transport header.
    static func decodeIPv6(
        _ reader: inout ByteReader,
        _ vlan: VLANTags,
        _ linkType: LinkType,
        into decoded: inout DecodedPacket
    ) throws(DecodeFailure) {
        let packet = UnsafeRawBufferPointer(rebasing: reader.bytes[reader.offset...])
        var header = ByteReader(packet)
        guard let first = header.peekUInt8() else { throw .truncated }
        guard first >> 4 == 6 else { throw .badIPHeader }
        guard header.skip(4),
            let payloadLength = header.readUInt16(),
            let firstNextHeader = header.readUInt8(),
            let hopLimit = header.readUInt8(),
            let source = header.readSlice(16).flatMap(IPAddress.init(bytes:)),
            let destination = header.readSlice(16).flatMap(IPAddress.init(bytes:))
        else { throw .truncated }

        let declared = 40 + Int(payloadLength)
        let captured = packet.count
        let end = min(declared, captured)
        // A header that would run past the declared length is malformed; one that runs past only
        // the capture is a snaplen cut.
        func require(_ needed: Int) throws(DecodeFailure) {
            if needed > declared { throw .badIPHeader }
            if needed > captured { throw .truncated }
        }

        var offset = 40
        var nextHeader = firstNextHeader
        var walked = 0
        var fragment: IPFragment?
        walk: while true {
            switch nextHeader {
            case IPProtocolNumber.hopByHop, IPProtocolNumber.ipv6Routing,
                IPProtocolNumber.ipv6DestinationOptions, IPProtocolNumber.authenticationHeader:
                guard walked < maxIPv6ExtensionHeaders else { throw .tooManyExtensionHeaders }
                walked += 1
                try require(offset + 2)
                let lengthUnits = Int(packet[offset + 1])
                // AH counts 4-byte words minus 2 (RFC 4302); the others 8-byte units minus 1.
                let length =
                    nextHeader == IPProtocolNumber.authenticationHeader
                    ? (lengthUnits + 2) * 4 : (lengthUnits + 1) * 8
                try require(offset + length)
                nextHeader = packet[offset]
                offset += length
            case IPProtocolNumber.ipv6Fragment:
                guard walked < maxIPv6ExtensionHeaders else { throw .tooManyExtensionHeaders }
                walked += 1
                try require(offset + 8)
                var fragmentHeader = ByteReader(UnsafeRawBufferPointer(rebasing: packet[offset..<offset + 8]))
                nextHeader = fragmentHeader.readUInt8()!
                fragmentHeader.skip(1)
                let offsetAndFlags = fragmentHeader.readUInt16()!
                let identification = fragmentHeader.readUInt32()!
                offset += 8
                let fragmentOffset = Int(offsetAndFlags >> 3) * 8
                let moreFragments = offsetAndFlags & 1 != 0
                // An "atomic fragment" (offset 0, no more fragments; RFC 6946) is a whole datagram.
                if fragmentOffset != 0 || moreFragments {
                    fragment = IPFragment(
                        identification: identification,
                        offset: fragmentOffset,
                        moreFragments: moreFragments
                    )
                    break walk
                }
            default:
                break walk
            }
        }

        let ipPayload = UnsafeRawBufferPointer(rebasing: packet[offset..<end])
        decoded.setNetworkLayer(
            linkType: linkType,
            vlan: vlan,
            source: source,
            destination: destination,
            hopLimit: hopLimit,
            ipProtocol: nextHeader,
            fragment: fragment,
            ipPayload: ipPayload,
            isTruncated: declared > captured
        )
        if fragment == nil {
            try decodeTransport(&decoded, declaredLength: declared - offset)
        }
    }
}

extension DecodedPacket {
    /// Overwrites every field from the IP layer down, field by field so the value is written in
    /// place; the transport is reset until ``PacketDecoder/decodeTransport(_:declaredLength:)``
    /// fills it in.
    @inline(__always)
    mutating func setNetworkLayer(
        linkType: LinkType,
        vlan: PacketDecoder.VLANTags,
        source: IPAddress,
        destination: IPAddress,
        hopLimit: UInt8,
        ipProtocol: UInt8,
        fragment: IPFragment?,
        ipPayload: UnsafeRawBufferPointer,
        isTruncated: Bool
    ) {
        self.linkType = linkType
        vlanTagCount = vlan.count
        outerVLANID = vlan.outer
        innerVLANID = vlan.inner
        self.source = source
        self.destination = destination
        self.hopLimit = hopLimit
        self.ipProtocol = ipProtocol
        self.fragment = fragment
        self.ipPayload = ipPayload
        self.isTruncated = isTruncated
        transport = .none
        payload = ipPayload
    }
}
