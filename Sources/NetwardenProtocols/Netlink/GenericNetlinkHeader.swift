/// `struct genlmsghdr`: the 4-byte header generic netlink puts after `nlmsghdr` (command,
/// version, two reserved bytes); the family's attributes follow it.
public struct GenericNetlinkHeader: Sendable, Equatable {
    public static let size = 4

    public var command: UInt8
    public var version: UInt8

    public init(command: UInt8, version: UInt8) {
        self.command = command
        self.version = version
    }

    /// Splits a generic netlink message body into its header and attribute bytes.
    public static func split(
        _ message: NetlinkMessage
    ) throws(NetlinkError) -> (
        header: GenericNetlinkHeader, attributes: NetlinkAttributeReader
    ) {
        var reader = ByteReader(message.payload)
        guard let command = reader.readUInt8(), let version = reader.readUInt8(), reader.skip(2),
            let rest = reader.readSlice(reader.remaining)
        else {
            throw NetlinkError(
                .truncated,
                "generic netlink body of \(message.payload.count) bytes",
                offset: message.offset + NetlinkMessageHeader.size
            )
        }
        let attributes = try NetlinkAttributeReader(
            rest,
            baseOffset: message.offset + NetlinkMessageHeader.size + GenericNetlinkHeader.size
        )
        return (GenericNetlinkHeader(command: command, version: version), attributes)
    }
}

/// The generic netlink controller ("nlctrl"), which maps family names to the message types
/// (family ids) the kernel assigned at boot; nl80211's id differs between machines.
public enum GenericNetlinkController {
    /// GENL_ID_CTRL: the controller's own, fixed family id.
    public static let familyID: UInt16 = 16
    public static let commandNewFamily: UInt8 = 1
    public static let commandGetFamily: UInt8 = 3
    public static let attributeFamilyID: UInt16 = 1
    public static let attributeFamilyName: UInt16 = 2

    /// CTRL_CMD_GETFAMILY for `name`, asking for an ACK so a missing family is an explicit error.
    public static func getFamilyRequest(name: String, sequence: UInt32) -> [UInt8] {
        var encoder = NetlinkEncoder()
        encoder.beginMessage(type: familyID, flags: [.request, .ack], sequence: sequence)
        encoder.appendGenericHeader(command: commandGetFamily, version: 1)
        encoder.appendAttribute(type: attributeFamilyName, string: name)
        return encoder.finishMessage()
    }

    /// The family id in a CTRL_CMD_NEWFAMILY reply.
    public static func decodeFamilyID(_ message: NetlinkMessage) throws(NetlinkError) -> UInt16 {
        var (_, attributes) = try GenericNetlinkHeader.split(message)
        var familyID: UInt16?
        while let attribute = attributes.next() {
            if attribute.type == attributeFamilyID { familyID = attribute.uint16 }
        }
        if let error = attributes.error { throw error }
        guard let familyID else {
            throw NetlinkError(.badAttribute, "controller reply has no CTRL_ATTR_FAMILY_ID", offset: message.offset)
        }
        return familyID
    }
}
