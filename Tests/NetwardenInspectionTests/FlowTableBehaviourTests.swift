import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Flow bookkeeping seen from outside: sampling, the memory cap, churn through the table.
@Suite struct FlowTableBehaviourTests {
    let resolver = Peer.v4(192, 0, 2, 53, port: 53)

    private func client(_ index: Int) -> Peer {
        Peer.v4(10, 30, UInt8(index >> 8 & 0xff), UInt8(index & 0xff), port: UInt16(20_000 + index % 40_000))
    }

    private func query(_ name: String, id: UInt16) -> [UInt8] {
        var builder = DNSWireBuilder(id: id, flags: 0x0100, questions: 1)
        builder.question(name, type: .a)
        return builder.bytes
    }

    private func answer(_ name: String, id: UInt16) -> [UInt8] {
        var builder = DNSWireBuilder(id: id, flags: 0x8180, questions: 1, answers: 1)
        builder.question(name, type: .a)
        builder.record(owner: 12, type: .a, data: [192, 0, 2, 1])
        return builder.bytes
    }

    @Test func samplingKeepsWholeFlowsAndDropsTheRest() {
        let harness = Harness(InspectionConfiguration(samplingRate: 4, hashSeed: 42))
        let flowCount = 2000
        var builder = TLSClientHelloBuilder(serverName: "sampled.example.com")
        builder.includeGREASE = false
        let hello = builder.records()
        let serverHello = serverHelloRecord()
        for index in 0..<flowCount {
            let conversation = TCPConversation(
                client: Peer.v4(10, 40, UInt8(index >> 8), UInt8(index & 0xff), port: UInt16(30_000 + index)),
                server: Peer.v4(203, 0, 113, UInt8(index % 200), port: 443)
            )
            harness.send(conversation.syn())
            harness.send(conversation.synAck())
            harness.send(conversation.client(hello))
            harness.send(conversation.server(serverHello))
        }
        let statistics = harness.statistics
        let kept = statistics.flowsCreated
        // Expect a quarter, within a generous margin (the hash is fixed by the seed).
        #expect(kept > flowCount / 4 - 150 && kept < flowCount / 4 + 150)
        #expect(statistics.sampledOutFlows == flowCount - kept)
        // Every kept flow was seen whole: its name from the client, its answer from the server.
        #expect(harness.names.count == kept)
        #expect(harness.outcomes.count == kept)
        #expect(harness.outcomes.allSatisfy { $0.outcome.summary == "serverAnswered" })
        #expect(statistics.sampledOutPackets == (flowCount - kept) * 4)

        // The same seed keeps the same flows; another seed keeps others.
        let again = Harness(InspectionConfiguration(samplingRate: 4, hashSeed: 42))
        let other = Harness(InspectionConfiguration(samplingRate: 4, hashSeed: 43))
        for index in 0..<flowCount {
            let conversation = TCPConversation(
                client: Peer.v4(10, 40, UInt8(index >> 8), UInt8(index & 0xff), port: UInt16(30_000 + index)),
                server: Peer.v4(203, 0, 113, UInt8(index % 200), port: 443)
            )
            again.send(conversation.syn())
            other.send(conversation.syn())
        }
        #expect(again.statistics.flowsCreated == kept)
        #expect(again.flows.isEmpty)
        again.engine.finishAll(now: Harness.time(1)) { again.events.append($0) }
        other.engine.finishAll(now: Harness.time(1)) { other.events.append($0) }
        #expect(again.flows.map(\.flow) == harness.flows.map(\.flow))
        #expect(other.flows.map(\.flow) != harness.flows.map(\.flow))
    }

    @Test func fullTableEvictsTheOldestAndCountsIt() {
        let harness = Harness(InspectionConfiguration(maxFlows: 8))
        for index in 0..<20 {
            harness.send(Frames.udp(client(index), resolver, query("q\(index).example", id: UInt16(index))), after: 0.5)
        }
        let statistics = harness.statistics
        #expect(statistics.flowsCreated == 20)
        #expect(statistics.flowsEvictedCapacity == 12)
        #expect(statistics.flowsActive == 8)
        // The evicted flows were the oldest, and their questions ended unanswered.
        #expect(harness.outcomes.map(\.name) == (0..<12).map { "q\($0).example" })
        #expect(harness.outcomes.allSatisfy { $0.outcome.summary == "noAnswer" })
        // The survivors are still matched to their answers.
        for index in 12..<20 {
            harness.send(Frames.udp(resolver, client(index), answer("q\(index).example", id: UInt16(index))))
        }
        #expect(harness.outcomes.count == 20)
        #expect(harness.statistics.dnsUnmatchedResponses == 0)
    }

    @Test func heavyChurnKeepsEveryLiveFlowFindable() {
        // A small table driven through thousands of inserts and idle removals: if deletion broke
        // a probe chain, an answer would land on a new flow and count as unmatched.
        let harness = Harness(InspectionConfiguration(maxFlows: 256, dnsIdleTimeout: .seconds(3)))
        var generator = SeededGenerator(seed: 99)
        var open: [Int] = []
        var next = 0
        var answered = 0
        for _ in 0..<6000 {
            let index: Int?
            if open.count >= 30 {
                index = open.removeFirst()
            } else if open.isEmpty || Int.random(in: 0..<10, using: &generator) < 6 {
                index = nil
            } else {
                index = open.remove(at: Int.random(in: 0..<open.count, using: &generator))
            }
            if let index {
                harness.send(
                    Frames.udp(resolver, client(index), answer("c\(index).example", id: UInt16(index & 0xffff))),
                    after: 0.01
                )
                answered += 1
            } else {
                harness.send(
                    Frames.udp(client(next), resolver, query("c\(next).example", id: UInt16(next & 0xffff))),
                    after: 0.01
                )
                open.append(next)
                next += 1
            }
            harness.expire(after: 0)
        }
        let statistics = harness.statistics
        #expect(statistics.dnsUnmatchedResponses == 0)
        #expect(statistics.flowsEvictedCapacity == 0)
        #expect(statistics.flowsEvictedIdle > 2000)
        #expect(harness.outcomes.count == answered)
        #expect(harness.outcomes.allSatisfy { $0.outcome.summary != "noAnswer" })
        harness.expire(after: 4)
        #expect(harness.statistics.flowsActive == 0)
        #expect(harness.outcomes.count == answered + open.count)
    }

    @Test func undecodableFramesAreCountedByReason() {
        let harness = Harness()
        harness.send([0x01, 0x02])
        harness.send(PacketBuilder.ethernet(etherType: 0x0806, payload: [UInt8](repeating: 0, count: 28)))
        harness.send(PacketBuilder.frame([0x45, 0, 0, 10] + [UInt8](repeating: 0, count: 16), linkType: .ethernet))
        let failures = harness.statistics.decodeFailures
        #expect(failures[.truncated] == 1)
        #expect(failures[.notIP] == 1)
        #expect(failures[.badIPHeader] == 1)
        #expect(failures.total == 3)
        #expect(harness.statistics.packets == 3)
        #expect(harness.events.isEmpty)
    }
}
