import NetwardenProtocols

/// Wi-Fi interfaces and their peers from the kernel's nl80211 interface.
///
/// Opening it resolves the nl80211 family id, so a kernel without cfg80211 fails here, once,
/// with `.unavailable` ("nl80211 not available") and the caller falls back to
/// `/proc/net/wireless`. The socket and its limits are `GenericNetlinkSocket`'s.
public final class NL80211Client {
    public let familyID: UInt16
    private let socket: GenericNetlinkSocket

    /// Opens a generic netlink socket and resolves nl80211.
    public init(receiveTimeout: Duration = .seconds(2), dumpByteLimit: Int = 4 << 20) throws(GenericNetlinkError) {
        socket = try GenericNetlinkSocket(receiveTimeout: receiveTimeout, dumpByteLimit: dumpByteLimit)
        do {
            familyID = try socket.resolveFamily(NL80211.familyName)
        } catch  where error.code == .unavailable {
            throw GenericNetlinkError(
                .unavailable,
                "nl80211 not available: the kernel has no nl80211 family (no cfg80211 or no Wi-Fi driver)",
                context: error.context,
                systemError: error.systemError,
                netlinkError: error.netlinkError
            )
        }
    }

    /// Every wireless interface (NL80211_CMD_GET_INTERFACE dump).
    public func interfaces() throws(GenericNetlinkError) -> [NL80211Interface] {
        let familyID = familyID
        return try socket.dump(messageType: familyID, context: "dumping nl80211 interfaces") { sequence in
            NL80211Request.getInterfaceDump(familyID: familyID, sequence: sequence)
        } decode: { message throws(NetlinkError) in
            try NL80211Interface.decode(message)
        }
    }

    /// The peers of one interface (NL80211_CMD_GET_STATION dump): the associated AP in station
    /// mode, every associated client in AP mode.
    public func stations(interfaceIndex: UInt32) throws(GenericNetlinkError) -> [NL80211Station] {
        let familyID = familyID
        return try socket.dump(
            messageType: familyID,
            context: "dumping nl80211 stations of interface \(interfaceIndex)"
        ) {
            sequence in
            NL80211Request.getStationDump(familyID: familyID, interfaceIndex: interfaceIndex, sequence: sequence)
        } decode: { message throws(NetlinkError) in
            try NL80211Station.decode(message)
        }
    }
}
