import Glibc
import NetwardenCore
import NetwardenPlatform
import Testing

/// ICMP bursts against loopback: the engine's behaviour without a lab. Raw sockets need root
/// (or CAP_NET_RAW), so these skip otherwise.
@Suite(.enabled(if: getuid() == 0, "needs root for raw ICMP sockets"), .timeLimit(.minutes(1)))
struct ICMPLoopbackTests {
    @Test(arguments: ["127.0.0.1", "::1"])
    func everyRequestIsAnsweredOnLoopback(address: String) throws {
        let destination = try #require(SocketAddress(numeric: address))
        let result = ICMPBurst(
            destination: destination,
            count: 10,
            spacing: .milliseconds(5),
            timeout: .seconds(2),
            preferDatagram: false
        ).run()
        #expect(result.failure == nil, "\(result.failureDetail ?? "")")
        #expect(result.sent == 10 && result.received == 10 && result.lossRatio == 0)
        #expect(result.duplicates == 0 && result.late == 0)
        let stats = try #require(result.statistics)
        #expect(stats.minimum > 0 && stats.minimum <= stats.median && stats.median <= stats.maximum)
        #expect(result.replyTTL == 64)
        #expect(result.socketKind == .raw)
    }

    @Test func identifiersRotatePerBurst() throws {
        let destination = try #require(SocketAddress(numeric: "127.0.0.1"))
        var identifiers = Set<UInt16>()
        for _ in 0..<5 {
            identifiers.insert(ICMPBurst(destination: destination, count: 1, preferDatagram: false).run().identifier)
        }
        #expect(identifiers.count >= 4)  // random 16-bit ids: a repeat among 5 is very unlikely
    }

    @Test func aMissingInterfaceIsAFailedProbeNotACrash() throws {
        let destination = try #require(SocketAddress(numeric: "127.0.0.1"))
        let result = ICMPBurst(destination: destination, count: 3, interface: "nw-nonexist0", preferDatagram: false)
            .run()
        #expect(result.failure == .noInterface)
        #expect(result.received == 0)
        #expect(result.failureDetail?.contains("nw-nonexist0") == true)
    }

    @Test func aSourceAddressNotOnThisHostIsReported() throws {
        let destination = try #require(SocketAddress(numeric: "127.0.0.1"))
        let source = try #require(SocketAddress(numeric: "192.0.2.77"))
        let result = ICMPBurst(destination: destination, count: 1, source: source, preferDatagram: false).run()
        #expect(result.failure == .badSource)
    }
}
