import NetwardenPlatform
import Testing

/// The datagrams bypass probes send are ones each protocol's servers must answer.
@Suite struct UDPReplyProbePayloadTests {
    @Test func quicUsesAReservedVersionInAFullSizeInitial() {
        let packet = UDPReplyProbe.Payload.quicVersionNegotiation()
        #expect(packet.count == 1200)
        #expect(packet[0] & 0xc0 == 0xc0)  // long header, fixed bit
        // Reserved versions match 0x?a?a?a?a (RFC 9000 section 15): Version Negotiation is due.
        #expect(packet[1...4].allSatisfy { $0 & 0x0f == 0x0a })
        #expect(packet[5] == 8 && packet[14] == 8)
    }

    @Test func openVPNIsAClientHardResetV2() {
        let packet = UDPReplyProbe.Payload.openVPNHardReset()
        #expect(packet.count == 14)
        #expect(packet[0] >> 3 == 7 && packet[0] & 0x07 == 0)  // P_CONTROL_HARD_RESET_CLIENT_V2, key 0
        #expect(packet[9] == 0)  // no acknowledgements
        #expect(packet.suffix(4) == [0, 0, 0, 0])  // packet id 0
    }

    @Test func ikeIsAnIKEv2SAInitHeader() {
        let packet = UDPReplyProbe.Payload.ikeSAInit()
        #expect(packet.count == 28)
        #expect(packet[8..<16].allSatisfy { $0 == 0 })  // responder SPI unknown yet
        #expect(packet[17] == 0x20 && packet[18] == 34 && packet[19] == 0x08)
        #expect(packet.suffix(4) == [0, 0, 0, 28])
    }
}
