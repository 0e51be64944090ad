import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct DNSInspectionTests {
    let client = Peer.v4(10, 20, 0, 7, port: 51_515)
    let resolver = Peer.v4(192, 0, 2, 53, port: 53)
    let client6 = Peer(
        address: IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0x10] + Array(repeating: 0, count: 9) + [7])!,
        port: 51_515
    )
    let resolver6 = Peer(
        address: IPAddress([0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [0x53])!,
        port: 53
    )

    private func query(_ name: String, type: DNSRecordType, id: UInt16) -> [UInt8] {
        var builder = DNSWireBuilder(id: id, flags: 0x0100, questions: 1)
        builder.question(name, type: type)
        return builder.bytes
    }

    /// A response to `name` whose answer section is built by `answers` (count given).
    private func response(
        _ name: String,
        type: DNSRecordType,
        id: UInt16,
        rcode: UInt16 = 0,
        answers: UInt16,
        _ body: (inout DNSWireBuilder) -> Void = { _ in }
    ) -> [UInt8] {
        var builder = DNSWireBuilder(id: id, flags: 0x8180 | rcode, questions: 1, answers: answers)
        builder.question(name, type: type)
        body(&builder)
        return builder.bytes
    }

    private var udpEndpoints: FlowEndpoints {
        FlowEndpoints(
            transport: .udp,
            client: client.address,
            clientPort: client.port,
            server: resolver.address,
            serverPort: 53
        )
    }

    @Test func queryAndCNAMEChainResponseOverUDP() {
        let harness = Harness()
        harness.send(Frames.udp(client, resolver, query("WWW.Example.COM.", type: .a, id: 0x1111)))
        let answer = response("www.example.com", type: .a, id: 0x1111, answers: 4) { builder in
            builder.record(owner: 12, type: .cname, data: DNSWireBuilder.wireName("edge.CDN.example.net"))
            builder.name("edge.cdn.example.net")
            builder.recordBody(type: .cname, data: DNSWireBuilder.wireName("e1.cdn.example.net"))
            builder.name("e1.cdn.example.net")
            builder.recordBody(type: .a, data: [198, 51, 100, 10])
            builder.name("e1.cdn.example.net")
            builder.recordBody(type: .a, data: [198, 51, 100, 11])
        }
        harness.send(Frames.udp(resolver, client, answer))

        #expect(harness.names.count == 1)
        let name = harness.names[0]
        #expect(name.proto == .dns)
        #expect(name.name == "www.example.com")
        #expect(name.dnsQueryType == 1)
        #expect(name.flow == udpEndpoints)
        #expect(harness.outcomes.count == 1)
        let outcome = harness.outcomes[0]
        #expect(outcome.name == "www.example.com")
        #expect(outcome.proto == .dns)
        #expect(outcome.flow == udpEndpoints)
        #expect(
            outcome.outcome.summary
                == "dns rcode=0 addresses=[\"198.51.100.10\", \"198.51.100.11\"] "
                + "cnames=[\"edge.cdn.example.net\", \"e1.cdn.example.net\"] ech=false"
        )
        #expect(harness.flows.map(\.flow) == [udpEndpoints])
        #expect(harness.flows[0].tunnel == nil)
    }

    @Test func aaaaHTTPSWithECHAndNXDOMAIN() {
        let harness = Harness()
        harness.send(Frames.udp(client, resolver, query("v6.example.org", type: .aaaa, id: 1)))
        harness.send(Frames.udp(client, resolver, query("ech.example.org", type: .https, id: 2)))
        harness.send(Frames.udp(client, resolver, query("missing.example.org", type: .a, id: 3)))
        let v6 = response("v6.example.org", type: .aaaa, id: 1, answers: 1) { builder in
            builder.record(
                owner: 12,
                type: .aaaa,
                data: [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 11) + [1]
            )
        }
        let https = response("ech.example.org", type: .https, id: 2, answers: 1) { builder in
            let data = DNSWireBuilder.serviceBindingData(
                priority: 1,
                target: ".",
                parameters: [(1, DNSWireBuilder.alpnValue(["h3", "h2"])), (5, [0, 4, 0xfe, 0x0d, 0, 0])]
            )
            builder.record(owner: 12, type: .https, data: data)
        }
        let missing = response("missing.example.org", type: .a, id: 3, rcode: 3, answers: 0)
        // Answers arrive in a different order than the questions went out.
        harness.send(Frames.udp(resolver, client, missing))
        harness.send(Frames.udp(resolver, client, https))
        harness.send(Frames.udp(resolver, client, v6))

        #expect(harness.names.map(\.name) == ["v6.example.org", "ech.example.org", "missing.example.org"])
        #expect(harness.names.map(\.dnsQueryType) == [28, 65, 1])
        #expect(harness.outcomes.map(\.name) == ["missing.example.org", "ech.example.org", "v6.example.org"])
        #expect(
            harness.outcomes.map(\.outcome.summary) == [
                "dns rcode=3 addresses=[] cnames=[] ech=false",
                "dns rcode=0 addresses=[] cnames=[] ech=true",
                "dns rcode=0 addresses=[\"2001:db8::1\"] cnames=[] ech=false",
            ]
        )
        // The tracker went back to the pool once every question was answered: nothing is left
        // to report when the flow expires.
        harness.expire(after: 10)
        #expect(harness.outcomes.count == 3)
        #expect(harness.statistics.flowsEvictedIdle == 1)
    }

    @Test func responsesThatMatchNoQuestionAreNotBelieved() {
        let harness = Harness()
        harness.send(Frames.udp(client, resolver, query("asked.example", type: .a, id: 7)))
        // Right ID, wrong name; then right name, wrong ID.
        let wrongName = response("other.example", type: .a, id: 7, answers: 1) { builder in
            builder.record(owner: 12, type: .a, data: [203, 0, 113, 1])
        }
        let wrongID = response("asked.example", type: .a, id: 8, answers: 1) { builder in
            builder.record(owner: 12, type: .a, data: [203, 0, 113, 1])
        }
        harness.send(Frames.udp(resolver, client, wrongName))
        harness.send(Frames.udp(resolver, client, wrongID))
        #expect(harness.outcomes.isEmpty)
        #expect(harness.statistics.dnsUnmatchedResponses == 2)
        // A response whose answer section is broken (a compression pointer to itself) is
        // malformed, not an answer.
        var broken = response("asked.example", type: .a, id: 7, answers: 1)
        broken += [0xc0, UInt8(broken.count)]
        broken += PacketBuilder.be16(1) + PacketBuilder.be16(1) + PacketBuilder.be32(60) + PacketBuilder.be16(4)
        broken += [1, 2, 3, 4]
        harness.send(Frames.udp(resolver, client, broken))
        #expect(harness.outcomes.isEmpty)
        #expect(harness.statistics.malformedDNS == 1)
        // The question was never answered: idle expiry says so.
        harness.expire(after: 4)
        #expect(harness.outcomes.isEmpty)
        harness.expire(after: 2)
        #expect(harness.outcomes.map(\.name) == ["asked.example"])
        #expect(harness.outcomes.map(\.outcome.summary) == ["noAnswer"])
        #expect(harness.outcomes[0].flow == udpEndpoints)
    }

    @Test func dnsOverTCPSplitAcrossSegments() {
        let conversation = TCPConversation(client: Peer.v4(10, 20, 0, 9, port: 40_001), server: resolver)
        let harness = Harness()
        let question = DNSTCPFraming.framed(query("tcp.example.com", type: .a, id: 0x2222))!
        let answer = DNSTCPFraming.framed(
            response("tcp.example.com", type: .a, id: 0x2222, answers: 1) { builder in
                builder.record(owner: 12, type: .a, data: [192, 0, 2, 80])
            }
        )!
        harness.send(conversation.syn())
        harness.send(conversation.synAck())
        // The length prefix alone, then the message in two pieces, the last one first.
        harness.send(conversation.client(Array(question[0..<1]), at: 0))
        harness.send(conversation.client(Array(question[10...]), at: 10))
        harness.send(conversation.client(Array(question[1..<10]), at: 1))
        harness.send(conversation.server(Array(answer[0..<7]), at: 0))
        harness.send(conversation.server(Array(answer[7...]), at: 7))

        #expect(harness.names.map(\.name) == ["tcp.example.com"])
        #expect(harness.names.first?.flow == conversation.endpoints)
        #expect(
            harness.outcomes.map(\.outcome.summary) == ["dns rcode=0 addresses=[\"192.0.2.80\"] cnames=[] ech=false"]
        )
        #expect(harness.outcomes.first?.flow == conversation.endpoints)
    }

    @Test func fragmentedResponseOverIPv4() {
        let harness = Harness()
        harness.send(Frames.udp(client, resolver, query("big.example.com", type: .a, id: 0x3333)))
        let answer = response("big.example.com", type: .a, id: 0x3333, answers: 100) { builder in
            for index in 0..<100 { builder.record(owner: 12, type: .a, data: [198, 18, 0, UInt8(index)]) }
        }
        let datagram = PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: client.port,
            payload: answer,
            source: resolver.address,
            destination: client.address
        )
        let fragments = PacketBuilder.ipv4Fragments(
            source: resolver.address,
            destination: client.address,
            protocolNumber: 17,
            ipPayload: datagram,
            sizes: [600, 600]
        )
        #expect(fragments.count == 3)
        // Last fragment first, as seen when the paths differ.
        for fragment in fragments.reversed() {
            harness.send(PacketBuilder.frame(fragment, linkType: .ethernet))
        }
        #expect(harness.outcomes.count == 1)
        guard case .dnsResponse(let rcode, let addresses, _, _) = harness.outcomes.first?.outcome else {
            Issue.record("no DNS outcome")
            return
        }
        #expect(rcode == 0)
        // Capped: the filter needs a few addresses, not all of them.
        #expect(addresses.count == 32)
        #expect(addresses.first?.description == "198.18.0.0")
        #expect(harness.statistics.datagramsReassembled == 1)
        #expect(harness.outcomes.first?.flow == udpEndpoints)
    }

    /// One large answer (100 AAAA records, about 2.8 KB) sent whole to one engine and as
    /// fragments, last first, to another: both must report the same name, outcome and flow.
    @Test(arguments: [IPAddress.Family.ipv4, .ipv6])
    func fragmentedResponseMatchesTheWholeOne(family: IPAddress.Family) {
        let client = family == .ipv4 ? self.client : client6
        let resolver = family == .ipv4 ? self.resolver : resolver6
        let question = query("big6.example.net", type: .aaaa, id: 0x6666)
        let answer = response("big6.example.net", type: .aaaa, id: 0x6666, answers: 100) { builder in
            for index in 0..<100 {
                builder.record(
                    owner: 12,
                    type: .aaaa,
                    data: [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [UInt8(index)]
                )
            }
        }
        let datagram = PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: client.port,
            payload: answer,
            source: resolver.address,
            destination: client.address
        )
        let sizes = [1232, 1232]
        let fragments =
            family == .ipv4
            ? PacketBuilder.ipv4Fragments(
                source: resolver.address,
                destination: client.address,
                protocolNumber: 17,
                ipPayload: datagram,
                sizes: sizes
            )
            : PacketBuilder.ipv6Fragments(
                source: resolver.address,
                destination: client.address,
                nextHeader: 17,
                fragmentable: datagram,
                sizes: sizes
            )
        #expect(fragments.count == 3)

        let whole = Harness()
        whole.send(Frames.udp(client, resolver, question))
        whole.send(Frames.udp(resolver, client, answer))
        let split = Harness()
        split.send(Frames.udp(client, resolver, question))
        for index in [2, 0, 1] { split.send(PacketBuilder.frame(fragments[index], linkType: .ethernet)) }

        #expect(whole.outcomes.count == 1)
        #expect(split.names.map(\.name) == ["big6.example.net"])
        #expect(split.names.map(\.flow) == whole.names.map(\.flow))
        #expect(split.outcomes.map(\.name) == whole.outcomes.map(\.name))
        #expect(split.outcomes.map(\.flow) == whole.outcomes.map(\.flow))
        #expect(split.outcomes.map(\.outcome.summary) == whole.outcomes.map(\.outcome.summary))
        guard case .dnsResponse(let rcode, let addresses, _, _)? = split.outcomes.first?.outcome else {
            Issue.record("no DNS outcome from the fragments")
            return
        }
        #expect(rcode == 0)
        #expect(addresses.first?.description == "2001:db8::")
        #expect(split.outcomes.first?.flow.client == client.address)
        #expect(split.statistics.datagramsReassembled == 1)
        #expect(split.statistics.fragmentsHeld == 3)
        #expect(split.statistics.fragmentDrops == 0)
        #expect(split.statistics.otherIPPackets == 0)
        #expect(whole.statistics.datagramsReassembled == 0)
    }

    @Test func fragmentsOfOtherProtocolsTakeNoSlot() {
        let harness = Harness()
        // A fragmented ICMPv6 echo reply (next header 58).
        let echo = PacketBuilder.ipv6Fragments(
            source: resolver6.address,
            destination: client6.address,
            nextHeader: 58,
            fragmentable: [129, 0, 0, 0] + Array(repeating: 0x11, count: 2000),
            sizes: [1232]
        )
        harness.send(echo.map { PacketBuilder.frame($0, linkType: .ethernet) })
        #expect(harness.statistics.otherIPPackets == 2)
        #expect(harness.statistics.fragmentsHeld == 0)
        #expect(harness.statistics.datagramsReassembled == 0)
    }
}
