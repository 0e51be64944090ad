import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct QUICInspectionTests {
    let client = Peer.v4(10, 20, 2, 30, port: 61_000)
    let server = Peer.v4(142, 250, 1, 1, port: 443)

    private var endpoints: FlowEndpoints {
        FlowEndpoints(
            transport: .udp,
            client: client.address,
            clientPort: client.port,
            server: server.address,
            serverPort: 443
        )
    }

    private func initials(_ name: String) -> [[UInt8]] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        builder.keyShareLength = 1216
        return QUICInitialBuilder(version: .v1, dcid: [1, 2, 3, 4, 5, 6, 7, 8], scid: [9, 9])
            .packets(carrying: builder.handshakeMessage(), chunkSize: 1000)
    }

    @Test func twoInitialsReorderedThenAServerPacket() {
        let harness = Harness()
        let packets = initials("Video.Example.COM")
        #expect(packets.count == 2)
        harness.send(Frames.udp(client, server, packets[1]))
        #expect(harness.names.isEmpty)
        harness.send(Frames.udp(client, server, packets[0]))
        #expect(harness.names.count == 1)
        let name = harness.names.first
        #expect(name?.proto == .quic)
        #expect(name?.name == "video.example.com")
        #expect(name?.alpn == ["h3"])
        #expect(name?.flow == endpoints)
        harness.send(Frames.udp(server, client, [0xc0, 0, 0, 0, 1] + [UInt8](repeating: 0x42, count: 60)))
        #expect(harness.outcomes.map(\.outcome.summary) == ["serverAnswered"])
        #expect(harness.outcomes.first?.flow == endpoints)
        #expect(harness.flows.map(\.flow) == [endpoints])
    }

    @Test func evictionWithoutAnAnswerIsNoAnswer() {
        let harness = Harness()
        for packet in initials("blocked.example.com") { harness.send(Frames.udp(client, server, packet)) }
        #expect(harness.names.map(\.name) == ["blocked.example.com"])
        harness.expire(after: 31)
        #expect(harness.outcomes.map(\.outcome.summary) == ["noAnswer"])
        #expect(harness.outcomes.first?.proto == .quic)
    }

    @Test func garbageThatLooksLikeAnInitialIsCountedUndecryptable() {
        let harness = Harness()
        var packet = initials("x.example.com")[0]
        packet[packet.count - 1] ^= 0xff  // breaks the AEAD tag
        for _ in 0..<4 { harness.send(Frames.udp(client, server, packet)) }
        #expect(harness.names.isEmpty)
        #expect(harness.statistics.quicUndecryptable == 3)
    }

    @Test func aFlowOpeningWithZeroRTTStillYieldsTheInitialsName() {
        let harness = Harness()
        var hello = TLSClientHelloBuilder(serverName: "resumed.example.com", alpn: ["h3"])
        hello.keyShareLength = 1216
        let builder = QUICInitialBuilder(version: .v2, dcid: [1, 2, 3, 4, 5, 6, 7, 8], scid: [9, 9])
        let zeroRTT = builder.seal(
            frames: [UInt8](repeating: 0x01, count: 40),  // PINGs; opaque to an observer anyway
            packetNumber: 0,
            minimumPayloadLength: 300,
            kind: .zeroRTT
        )
        let initials = builder.packets(carrying: hello.handshakeMessage(), chunkSize: 1000, firstPacketNumber: 1)
        harness.send(Frames.udp(client, server, zeroRTT))
        harness.send(Frames.udp(client, server, zeroRTT))
        #expect(harness.names.isEmpty)
        for packet in initials { harness.send(Frames.udp(client, server, packet)) }
        #expect(harness.names.map(\.name) == ["resumed.example.com"])
        #expect(harness.names.first?.proto == .quic)
        #expect(harness.statistics.quicUnsupportedVersion == 0)
        #expect(harness.flows.map(\.tunnel) == [nil])
    }

    @Test func aSecondInitialToTheServersConnectionIDIsOpened() {
        let harness = Harness()
        var hello = TLSClientHelloBuilder(serverName: "switched.example.com", alpn: ["h3"])
        hello.keyShareLength = 1216
        let message = hello.handshakeMessage()
        let first = QUICInitialBuilder(dcid: [1, 2, 3, 4, 5, 6, 7, 8]).packets(carrying: message, chunkSize: 1000)
        let later = QUICInitialBuilder(dcid: [0xee, 0xee, 0xee, 0xee], keyDCID: [1, 2, 3, 4, 5, 6, 7, 8])
            .packets(carrying: message, chunkSize: 1000, firstPacketNumber: 2)
        harness.send(Frames.udp(client, server, first[0]))
        harness.send(Frames.udp(client, server, later[1]))
        #expect(harness.names.map(\.name) == ["switched.example.com"])
        #expect(harness.statistics.quicUndecryptable == 0)
    }
}
