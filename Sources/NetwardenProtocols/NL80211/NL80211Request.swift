/// The nl80211 requests netwarden sends, encoded for a family id learned at run time.
public enum NL80211Request {
    /// NL80211_CMD_GET_INTERFACE as a dump: one NEW_INTERFACE reply per wireless interface.
    public static func getInterfaceDump(familyID: UInt16, sequence: UInt32) -> [UInt8] {
        var encoder = NetlinkEncoder()
        encoder.beginMessage(type: familyID, flags: [.request, .dump], sequence: sequence)
        encoder.appendGenericHeader(command: NL80211.Command.getInterface, version: 0)
        return encoder.finishMessage()
    }

    /// NL80211_CMD_GET_STATION as a dump for one interface: one NEW_STATION reply per peer
    /// (the associated AP in station mode, each client in AP mode).
    public static func getStationDump(familyID: UInt16, interfaceIndex: UInt32, sequence: UInt32) -> [UInt8] {
        var encoder = NetlinkEncoder()
        encoder.beginMessage(type: familyID, flags: [.request, .dump], sequence: sequence)
        encoder.appendGenericHeader(command: NL80211.Command.getStation, version: 0)
        encoder.appendAttribute(type: NL80211.Attribute.interfaceIndex, uint32: interfaceIndex)
        return encoder.finishMessage()
    }
}
