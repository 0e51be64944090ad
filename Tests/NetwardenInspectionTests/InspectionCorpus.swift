import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport

/// Valid frames of every kind the engine reads, in conversation order, for the mutation loop and
/// the throughput run.
enum InspectionCorpus {
    static func dnsExchange(client: Peer, resolver: Peer, name: String, id: UInt16) -> [[UInt8]] {
        var query = DNSWireBuilder(id: id, flags: 0x0100, questions: 1)
        query.question(name, type: .a)
        var response = DNSWireBuilder(id: id, flags: 0x8180, questions: 1, answers: 2)
        response.question(name, type: .a)
        response.record(owner: 12, type: .cname, data: DNSWireBuilder.wireName("cdn." + name))
        response.name("cdn." + name)
        response.recordBody(type: .a, data: [192, 0, 2, UInt8(id & 0xff)])
        return [Frames.udp(client, resolver, query.bytes), Frames.udp(resolver, client, response.bytes)]
    }

    static func tlsHandshake(_ conversation: TCPConversation, name: String, keyShare: Int = 32) -> [[UInt8]] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h2"])
        builder.keyShareLength = keyShare
        let records = builder.records()
        var frames = [conversation.syn(), conversation.synAck()]
        var offset = 0
        while offset < records.count {
            let end = min(offset + 1000, records.count)
            frames.append(conversation.client(Array(records[offset..<end]), at: offset))
            offset = end
        }
        frames.append(conversation.server(serverHelloRecord()))
        return frames
    }

    static func httpExchange(_ conversation: TCPConversation, host: String) -> [[UInt8]] {
        [
            conversation.syn(), conversation.synAck(),
            conversation.client(Array("GET / HTTP/1.1\r\nHost: \(host)\r\n\r\n".utf8)),
            conversation.server(Array("HTTP/1.1 301 Moved\r\nLocation: http://www.\(host)/\r\n\r\n".utf8)),
        ]
    }

    static func quicHandshake(client: Peer, server: Peer, name: String, dcid: [UInt8]) -> [[UInt8]] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        builder.keyShareLength = 1216
        let packets = QUICInitialBuilder(version: .v1, dcid: dcid).packets(
            carrying: builder.handshakeMessage(),
            chunkSize: 1000
        )
        return packets.map { Frames.udp(client, server, $0) }
            + [Frames.udp(server, client, [0xc0, 0, 0, 0, 1] + [UInt8](repeating: 7, count: 40))]
    }

    /// One of everything: DNS over UDP and TCP, fragments, TLS, QUIC, HTTP, tunnels.
    static func everything() -> [[UInt8]] {
        let client = Peer.v4(10, 50, 0, 1, port: 50_001)
        let resolver = Peer.v4(192, 0, 2, 53, port: 53)
        var frames = dnsExchange(client: client, resolver: resolver, name: "corpus.example.com", id: 9)
        let tcpDNS = TCPConversation(client: Peer.v4(10, 50, 0, 2, port: 50_002), server: resolver)
        var query = DNSWireBuilder(id: 4, flags: 0x0100, questions: 1)
        query.question("tcp.corpus.example", type: .aaaa)
        frames += [tcpDNS.syn(), tcpDNS.synAck(), tcpDNS.client(DNSTCPFraming.framed(query.bytes)!)]
        let datagram = PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: client.port,
            payload: [UInt8](repeating: 0x41, count: 1400),
            source: resolver.address,
            destination: client.address
        )
        frames += PacketBuilder.ipv4Fragments(
            source: resolver.address,
            destination: client.address,
            protocolNumber: 17,
            ipPayload: datagram,
            sizes: [704]
        ).map { PacketBuilder.frame($0, linkType: .ethernet) }
        frames += tlsHandshake(
            TCPConversation(client: Peer.v4(10, 50, 0, 3, port: 50_003), server: Peer.v4(203, 0, 113, 3, port: 443)),
            name: "tls.corpus.example",
            keyShare: 1216
        )
        frames += quicHandshake(
            client: Peer.v4(10, 50, 0, 4, port: 50_004),
            server: Peer.v4(203, 0, 113, 4, port: 443),
            name: "quic.corpus.example",
            dcid: [4, 4, 4, 4, 4, 4, 4, 4]
        )
        frames += httpExchange(
            TCPConversation(client: Peer.v4(10, 50, 0, 5, port: 50_005), server: Peer.v4(203, 0, 113, 5, port: 80)),
            host: "http.corpus.example"
        )
        let vpn = Peer.v4(198, 51, 100, 1, port: 51_820)
        frames.append(Frames.udp(client, vpn, [1, 0, 0, 0] + [UInt8](repeating: 9, count: 144)))
        return frames
    }
}
