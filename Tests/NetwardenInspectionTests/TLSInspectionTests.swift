import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// A TLS 1.3 ServerHello record, as a server's first segment carries it.
func serverHelloRecord() -> [UInt8] {
    var body: [UInt8] = []
    body.appendUInt16(0x0303)
    body += (0..<32).map { UInt8($0 &* 3) }  // random
    body.append(32)
    body += [UInt8](repeating: 0xab, count: 32)  // echoed session ID
    body.appendUInt16(0x1301)
    body.append(0)
    var extensions: [UInt8] = []
    extensions.appendUInt16(0x002b)
    extensions.appendUInt16(2)
    extensions.appendUInt16(0x0304)
    body.appendUInt16(UInt16(extensions.count))
    body += extensions
    let message: [UInt8] = [2, 0] + PacketBuilder.be16(UInt16(body.count)) + body
    return [22, 3, 3] + PacketBuilder.be16(UInt16(message.count)) + message
}

@Suite struct TLSInspectionTests {
    let conversation = TCPConversation(
        client: Peer.v4(10, 20, 1, 15, port: 49_999),
        server: Peer.v4(203, 0, 113, 44, port: 443)
    )

    /// A Chrome-sized hello (post-quantum key share) that needs three segments.
    private func helloRecords(_ name: String = "Classroom.Example.ORG", ech: Bool = false) -> [UInt8] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h2", "http/1.1"])
        builder.keyShareLength = 1216
        builder.includeECH = ech
        return builder.records()
    }

    /// SYN, SYN-ACK, then the hello in three segments sent 3, 1, 2.
    private func handshake(_ harness: Harness, records: [UInt8]) {
        harness.send(conversation.syn())
        harness.send(conversation.synAck())
        let cuts = [0, 600, 1200, records.count]
        for piece in [2, 0, 1] {
            harness.send(conversation.client(Array(records[cuts[piece]..<cuts[piece + 1]]), at: cuts[piece]))
        }
    }

    @Test func helloInThreeSegmentsOutOfOrderThenServerHello() {
        let harness = Harness()
        let records = helloRecords()
        #expect(records.count > 1200)
        handshake(harness, records: records)
        #expect(harness.names.count == 1)
        let name = harness.names.first
        #expect(name?.proto == .tls)
        #expect(name?.name == "classroom.example.org")
        #expect(name?.alpn == ["h2", "http/1.1"])
        #expect(name?.echPresent == false)
        #expect(name?.flow == conversation.endpoints)
        #expect(harness.outcomes.isEmpty)

        harness.send(conversation.server(serverHelloRecord()))
        #expect(harness.outcomes.map(\.outcome.summary) == ["serverAnswered"])
        #expect(harness.outcomes.first?.name == "classroom.example.org")
        #expect(harness.outcomes.first?.proto == .tls)
        #expect(harness.outcomes.first?.flow == conversation.endpoints)
        // One flow event, reported at the first client payload, with no tunnel.
        #expect(harness.flows.map(\.flow) == [conversation.endpoints])
        #expect(harness.flows.first?.tunnel == nil)
        #expect(harness.statistics.names.tls == 1)
    }

    @Test func resetBeforeTheServerAnswers() {
        let harness = Harness()
        handshake(harness, records: helloRecords())
        harness.send(conversation.reset(fromClient: false))
        #expect(harness.outcomes.map(\.outcome.summary) == ["reset"])
        #expect(harness.outcomes.first?.name == "classroom.example.org")
        #expect(harness.outcomes.first?.flow == conversation.endpoints)
    }

    @Test func finWithNothingFromTheServer() {
        let harness = Harness()
        let records = helloRecords()
        handshake(harness, records: records)
        harness.send(conversation.fin(fromClient: true, at: records.count))
        #expect(harness.outcomes.map(\.outcome.summary) == ["noAnswer"])
        #expect(harness.outcomes.first?.name == "classroom.example.org")
    }

    @Test func alertAndECH() {
        let harness = Harness()
        handshake(harness, records: helloRecords("public.example.net", ech: true))
        harness.send(conversation.server([21, 3, 3, 0, 2, 2, 40]))
        #expect(harness.names.first?.echPresent == true)
        #expect(harness.names.first?.name == "public.example.net")
        #expect(harness.outcomes.map(\.outcome.summary) == ["tlsAlert(40)"])
    }

    @Test func helloWithoutASYNOnAnOddPort() {
        // Capture started mid-handshake; TLS on a port nobody expects.
        let odd = TCPConversation(
            client: Peer.v4(10, 20, 1, 16, port: 50_123),
            server: Peer.v4(198, 51, 100, 9, port: 2_222)
        )
        var builder = TLSClientHelloBuilder(serverName: "vpn.example.com")
        builder.includeGREASE = false
        let harness = Harness()
        harness.send(odd.client(builder.records()))
        harness.send(odd.server(serverHelloRecord()))
        #expect(harness.names.map(\.name) == ["vpn.example.com"])
        #expect(harness.names.first?.flow == odd.endpoints)
        #expect(harness.outcomes.map(\.outcome.summary) == ["serverAnswered"])

        // With TLS limited to well-known ports the same flow is not read.
        let limited = Harness(InspectionConfiguration(inspectAllTCPPortsForTLS: false))
        limited.send(odd.client(builder.records()))
        #expect(limited.names.isEmpty)
    }

    @Test func serverHelloCapturedBeforeTheHellosLastSegment() {
        // Capture reordering can show the answer first; it is held until the name is known.
        let harness = Harness()
        let records = helloRecords()
        harness.send(conversation.syn())
        harness.send(conversation.synAck())
        harness.send(conversation.client(Array(records[0..<1000])))
        harness.send(conversation.server(serverHelloRecord()))
        #expect(harness.outcomes.isEmpty)
        harness.send(conversation.client(Array(records[1000...]), at: 1000))
        #expect(harness.names.map(\.name) == ["classroom.example.org"])
        #expect(harness.outcomes.map(\.outcome.summary) == ["serverAnswered"])
    }

    @Test func ipv6ConnectionWithoutSNIIsCountedNotReported() {
        let v6 = TCPConversation(
            client: Peer(address: IPAddress(ipv6High: 0x2001_0db8_0000_0001, low: 7), port: 55_000),
            server: Peer(address: IPAddress(ipv6High: 0x2001_0db8_0000_0002, low: 1), port: 443)
        )
        let harness = Harness()
        harness.send(v6.syn())
        harness.send(v6.synAck())
        harness.send(v6.client(TLSClientHelloBuilder(serverName: nil).records()))
        #expect(harness.names.isEmpty)
        #expect(harness.statistics.tlsWithoutServerName == 1)
        #expect(harness.flows.map(\.flow) == [v6.endpoints])
        #expect(harness.flows.first?.flow.client.description == "2001:db8:0:1::7")
    }

    @Test func inspectionStopsOnceNameAndOutcomeAreKnown() {
        let harness = Harness()
        let records = helloRecords()
        handshake(harness, records: records)
        harness.send(conversation.server(serverHelloRecord()))
        let before = harness.statistics
        let bulk = [UInt8](repeating: 0x17, count: 1400)
        for index in 0..<50 {
            harness.send(conversation.server(bulk, at: 200 + index * 1400))
            harness.send(conversation.client([23, 3, 3, 0, 1, 0], at: records.count + index * 6))
        }
        let after = harness.statistics
        #expect(after.packetsInspected == before.packetsInspected)
        #expect(after.packetsOnFinishedFlows == before.packetsOnFinishedFlows + 100)
        #expect(harness.events.count == 3)  // flow, name, outcome
    }

    @Test func idleExpiryReportsNoAnswer() {
        let harness = Harness()
        handshake(harness, records: helloRecords())
        harness.expire(after: 60)
        #expect(harness.outcomes.isEmpty)
        harness.expire(after: 61)
        #expect(harness.outcomes.map(\.outcome.summary) == ["noAnswer"])
        #expect(harness.statistics.flowsEvictedIdle == 1)
        #expect(harness.statistics.flowsActive == 0)
    }
}

@Suite struct InspectorPoolTests {
    @Test func reassemblersAreReusedAcrossFlows() {
        let harness = Harness()
        for index in 0..<50 {
            let conversation = TCPConversation(
                client: Peer.v4(10, 70, 0, UInt8(index), port: UInt16(33_000 + index)),
                server: Peer.v4(203, 0, 113, 70, port: 443)
            )
            harness.send(InspectionCorpus.tlsHandshake(conversation, name: "pool\(index).example", keyShare: 1216))
        }
        let statistics = harness.statistics
        #expect(statistics.names.tls == 50)
        #expect(statistics.outcomes == 50)
        // One after another, the flows share a single 16 KiB reassembler.
        #expect(statistics.inspectorsAllocated == 1)
        #expect(statistics.inspectorsInUse == 0)
    }

    @Test func poolLimitIsAMemoryCapAndCounted() {
        let harness = Harness(InspectionConfiguration(maxConcurrentInspections: 2))
        for index in 0..<5 {
            let conversation = TCPConversation(
                client: Peer.v4(10, 71, 0, UInt8(index), port: UInt16(34_000 + index)),
                server: Peer.v4(203, 0, 113, 71, port: 443)
            )
            // SYN, SYN-ACK and the first of two hello segments: every flow waits mid-hello.
            harness.send(Array(InspectionCorpus.tlsHandshake(conversation, name: "cap.example", keyShare: 1216)[0..<3]))
        }
        let statistics = harness.statistics
        #expect(statistics.inspectorsAllocated == 2)
        #expect(statistics.inspectorsInUse == 2)
        #expect(statistics.inspectorsUnavailable == 3)
    }
}
