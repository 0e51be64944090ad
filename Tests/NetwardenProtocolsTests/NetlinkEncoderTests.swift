import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct NetlinkEncoderTests {
    @Test func getFamilyForNL80211IsTheBytesTheControllerExpects() {
        let request = GenericNetlinkController.getFamilyRequest(name: "nl80211", sequence: 0x0102_0304)
        var expected = NetlinkMessageBuilder()
        // NLM_F_REQUEST | NLM_F_ACK, genl CTRL_CMD_GETFAMILY v1, CTRL_ATTR_FAMILY_NAME "nl80211\0".
        expected.message(type: 16, flags: 0x05, sequence: 0x0102_0304) { b in
            b.raw([3, 1, 0, 0])
            b.string(2, "nl80211")
        }
        #expect(request == expected.bytes)
        #expect(request.count == 16 + 4 + 12)
    }

    @Test func stationDumpCarriesTheInterfaceIndex() {
        let request = NL80211Request.getStationDump(familyID: 0x1c, interfaceIndex: 3, sequence: 9)
        var expected = NetlinkMessageBuilder()
        expected.message(type: 0x1c, flags: 0x301, sequence: 9) { b in
            b.raw([17, 0, 0, 0])
            b.u32(3, 3)
        }
        #expect(request == expected.bytes)
        #expect(NL80211Request.getInterfaceDump(familyID: 0x1c, sequence: 2).count == 20)
    }

    @Test func nestsArePatchedAndFlagged() throws {
        var encoder = NetlinkEncoder()
        encoder.beginMessage(type: 0x1c, flags: .request, sequence: 1)
        encoder.beginNested(type: 21)
        encoder.appendAttribute(type: 1, uint16: 7)
        encoder.endNested()
        let bytes = encoder.finishMessage()
        try bytes.withUnsafeBytes { raw in
            var messages = NetlinkMessageReader(raw)
            let message = try unwrap(messages.next())
            #expect(Int(message.header.length) == bytes.count)
            var attributes = try NetlinkAttributeReader(message.payload)
            let nest = try unwrap(attributes.next())
            #expect(nest.type == 21 && nest.isNestedFlagSet && nest.payload.count == 8)
            var inner = try attributes.nested(in: nest)
            #expect(inner.next()?.uint16 == 7)
        }
    }

    @Test func controllerRepliesYieldTheFamilyID() throws {
        var builder = NetlinkMessageBuilder()
        builder.genericMessage(family: 16, command: 1, flags: 0, sequence: 1) { b in
            b.string(2, "nl80211")
            b.u16(1, 0x1c)
            b.u32(3, 1)
        }
        try builder.bytes.withUnsafeBytes { raw in
            var messages = NetlinkMessageReader(raw)
            let familyID = try GenericNetlinkController.decodeFamilyID(try unwrap(messages.next()))
            #expect(familyID == 0x1c)
        }
    }
}
