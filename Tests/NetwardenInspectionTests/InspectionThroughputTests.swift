import Foundation
import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Hand-run throughput of the whole engine on one core (not a CI gate: machines differ). Run with
/// `NETWARDEN_TIMING=1 swift test -c release --filter InspectionThroughputTests`.
/// With `perf probe -x libc.so.6 malloc` and `perf stat -e probe_libc:malloc`, runs of two
/// `NETWARDEN_TIMING_FRAMES` lengths show the bulk path's allocations (none).
///
/// The mix imitates a busy school uplink: 4,096 long TCP flows carrying 1,400-byte segments both
/// ways, with new DNS, TLS, HTTP and QUIC handshakes woven in (about one packet in forty).
@Suite(.enabled(if: ProcessInfo.processInfo.environment["NETWARDEN_TIMING"] != nil))
struct InspectionThroughputTests {
    /// Every distinct frame once, back to back, plus the order to replay them in.
    struct Mix {
        var arena: [UInt8] = []
        var spans: [Range<Int>] = []
        var schedule: [Int32] = []

        mutating func add(_ frame: [UInt8]) -> Int32 {
            spans.append(arena.count..<arena.count + frame.count)
            arena += frame
            return Int32(spans.count - 1)
        }
    }

    static func buildMix(frames total: Int) -> (Mix, handshakeFrames: Int) {
        var mix = Mix()
        let longFlows = 4096
        var bulk: [Int32] = []
        for index in 0..<longFlows {
            let conversation = TCPConversation(
                client: Peer.v4(10, 60, UInt8(index >> 8), UInt8(index & 0xff), port: UInt16(40_000 + index)),
                server: Peer.v4(203, 0, 113, UInt8(index % 250), port: 443)
            )
            for frame in InspectionCorpus.tlsHandshake(conversation, name: "long\(index).example.com") {
                mix.schedule.append(mix.add(frame))
            }
            let segment = [UInt8](repeating: 0x17, count: 1400)
            bulk.append(mix.add(conversation.server(segment, at: 4000)))
            bulk.append(mix.add(conversation.client(segment, at: 4000)))
        }
        var handshakes: [Int32] = []
        let resolver = Peer.v4(192, 0, 2, 53, port: 53)
        for index in 0..<6000 {
            let client = Peer.v4(10, 61, UInt8(index >> 8), UInt8(index & 0xff), port: UInt16(20_000 + index))
            let server = Peer.v4(198, 51, UInt8(index % 100), 1, port: 443)
            let conversation = TCPConversation(client: client, server: server)
            let frames: [[UInt8]]
            switch index % 20 {
            case 0..<8:
                frames = InspectionCorpus.dnsExchange(
                    client: client,
                    resolver: resolver,
                    name: "n\(index).example.org",
                    id: UInt16(index)
                )
            case 8..<14:
                frames = InspectionCorpus.tlsHandshake(conversation, name: "t\(index).example.net")
            case 14..<19:
                var http = conversation
                http.server.port = 80
                frames = InspectionCorpus.httpExchange(http, host: "h\(index).example.com")
            default:
                frames = InspectionCorpus.quicHandshake(
                    client: client,
                    server: server,
                    name: "q\(index).example.com",
                    dcid: [UInt8(index & 0xff), UInt8(index >> 8), 1, 2, 3, 4, 5, 6]
                )
            }
            for frame in frames { handshakes.append(mix.add(frame)) }
        }
        var bulkIndex = 0
        var handshakeIndex = 0
        while mix.schedule.count < total {
            if mix.schedule.count % 40 == 0, handshakeIndex < handshakes.count {
                mix.schedule.append(handshakes[handshakeIndex])
                handshakeIndex += 1
            } else {
                mix.schedule.append(bulk[bulkIndex])
                bulkIndex = (bulkIndex &+ 7919) % bulk.count  // stride through flows like interleaved traffic
            }
        }
        return (mix, longFlows * 5 + handshakeIndex)
    }

    /// Replays the schedule through a fresh engine; returns packets per second.
    static func run(_ mix: Mix, events: inout Int) -> (packetsPerSecond: Double, statistics: InspectionStatistics) {
        var engine = InspectionEngine(configuration: InspectionConfiguration(maxFlows: 65_536))
        var count = 0
        let clock = ContinuousClock()
        let elapsed = mix.arena.withUnsafeBytes { arena in
            clock.measure {
                var time = PacketTime(seconds: 1_700_000_000, nanoseconds: 0)
                for (position, frame) in mix.schedule.enumerated() {
                    let span = mix.spans[Int(frame)]
                    // One packet per microsecond of capture time.
                    time.nanoseconds += 1000
                    if time.nanoseconds >= 1_000_000_000 {
                        time.seconds += 1
                        time.nanoseconds = 0
                    }
                    engine.process(
                        frame: UnsafeRawBufferPointer(rebasing: arena[span]),
                        linkType: .ethernet,
                        time: time
                    ) { _ in count += 1 }
                    if position & 0xffff == 0 { engine.expire(now: time) { _ in count += 1 } }
                }
            }
        }
        events = count
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        return (Double(mix.schedule.count) / seconds, engine.statistics)
    }

    @Test func mixedTrafficThroughput() {
        // NETWARDEN_TIMING_FRAMES lengthens the run with bulk only (all handshakes fit in the
        // first 1.2 M frames): comparing malloc counts of two lengths shows what bulk costs.
        let frames = ProcessInfo.processInfo.environment["NETWARDEN_TIMING_FRAMES"].flatMap { Int($0) } ?? 1_200_000
        let (mix, handshakeFrames) = Self.buildMix(frames: max(frames, 1_000_000))
        print(
            "mix: \(mix.schedule.count) frames, \(handshakeFrames) in handshakes, "
                + "\(mix.spans.count) distinct, \(mix.arena.count / 1_000_000) MB"
        )
        var best = 0.0
        var statistics = InspectionStatistics()
        var events = 0
        for round in 0..<3 {
            let result = Self.run(mix, events: &events)
            print("round \(round): \(Int(result.packetsPerSecond)) packets/s, \(events) events")
            best = max(best, result.packetsPerSecond)
            statistics = result.statistics
        }
        print("best: \(Int(best)) packets/s on one core")
        print(
            "names dns=\(statistics.names.dns) tls=\(statistics.names.tls) http=\(statistics.names.http) "
                + "quic=\(statistics.names.quic); outcomes=\(statistics.outcomes); "
                + "inspected=\(statistics.packetsInspected) finished=\(statistics.packetsOnFinishedFlows)"
        )
        #expect(statistics.names.quic > 0 && statistics.names.http > 0 && statistics.names.dns > 0)
        #expect(statistics.packets == mix.schedule.count)
    }
}
