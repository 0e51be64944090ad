import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct TunnelSignatureTests {
    let client = Peer.v4(10, 20, 4, 50, port: 40_404)

    private func flowTunnel(_ frame: [UInt8]) -> (FlowObservation?, Int) {
        let harness = Harness()
        harness.send(frame)
        return (harness.flows.first, harness.flows.count)
    }

    @Test func wireGuardInitiation() {
        let server = Peer.v4(198, 51, 100, 20, port: 51_820)
        let message: [UInt8] = [1, 0, 0, 0] + [UInt8](repeating: 0x5a, count: 144)
        let (flow, count) = flowTunnel(Frames.udp(client, server, message))
        #expect(count == 1)
        #expect(flow?.tunnel == .wireguard)
        #expect(flow?.flow.server == server.address)
        #expect(flow?.flow.serverPort == 51_820)
        #expect(flow?.flow.clientPort == client.port)
        // One byte longer is not a WireGuard initiation.
        #expect(flowTunnel(Frames.udp(client, server, message + [0])).0?.tunnel == nil)
    }

    @Test func openVPNOverUDPAndTCP() {
        let server = Peer.v4(198, 51, 100, 21, port: 1194)
        let reset: [UInt8] = [7 << 3] + [UInt8](repeating: 0x33, count: 8) + [0, 0, 0, 0, 0]
        #expect(flowTunnel(Frames.udp(client, server, reset)).0?.tunnel == .openvpn)
        let v3: [UInt8] = [10 << 3] + [UInt8](repeating: 0x33, count: 8) + [0, 0, 0, 0, 0, 0, 0]
        #expect(flowTunnel(Frames.udp(client, server, v3)).0?.tunnel == .openvpn)

        let tcp = TCPConversation(client: client, server: Peer.v4(198, 51, 100, 21, port: 443))
        let harness = Harness()
        harness.send(tcp.syn())
        harness.send(tcp.synAck())
        harness.send(tcp.client(PacketBuilder.be16(UInt16(reset.count)) + reset))
        #expect(harness.flows.map(\.tunnel) == [.openvpn])
        #expect(harness.flows.first?.flow == tcp.endpoints)
    }

    private func ikeSAInit() -> [UInt8] {
        var message = [UInt8](repeating: 0x11, count: 8) + [UInt8](repeating: 0, count: 8)
        message += [33, 0x20, 34, 0x08] + [0, 0, 0, 0]
        let body = [UInt8](repeating: 0x44, count: 40)
        message += PacketBuilder.be32(UInt32(message.count + 4 + body.count)) + body
        return message
    }

    @Test func ikeOnBothPorts() {
        let server = Peer.v4(198, 51, 100, 22, port: 500)
        #expect(flowTunnel(Frames.udp(client, server, ikeSAInit())).0?.tunnel == .ike)
        let natT = Peer.v4(198, 51, 100, 22, port: 4500)
        #expect(flowTunnel(Frames.udp(client, natT, [0, 0, 0, 0] + ikeSAInit())).0?.tunnel == .ike)
        // Without the non-ESP marker on 4500 it is ESP-in-UDP, not IKE.
        #expect(flowTunnel(Frames.udp(client, natT, ikeSAInit())).0?.tunnel == nil)
    }

    @Test func ordinaryUDPHasNoSignature() {
        let server = Peer.v4(198, 51, 100, 23, port: 3478)
        let (flow, count) = flowTunnel(
            Frames.udp(client, server, [0, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42] + [UInt8](repeating: 0, count: 12))
        )
        #expect(count == 1)
        #expect(flow?.tunnel == nil)
    }
}
