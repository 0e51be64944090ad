import Crypto
import Foundation
import NetwardenCapture
import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// `netwarden analyze` over a capture of the QUIC cases peers' captures hold and netwarden once
/// missed: every version with a published Initial salt, 0-RTT packets ahead of the Initial, a
/// client's later Initial to the server's connection ID, and a Retry. tshark reads the same
/// file when it is installed, and must find the same names.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct AnalyzeQUICCoverageTests {
    static let client = IPAddress(ipv4: 0x0a01_0203)
    static let server = IPAddress(ipv4: 0x8efa_0101)

    /// The names the capture carries, one flow each.
    static let versions: [QUICVersion] = [.v1, .v2] + (22...34).compactMap { QUICVersion.draft($0) }
    static var expectedNames: Set<String> {
        Set(
            versions.map { "\($0).quic.example" } + [
                "zero-rtt.quic.example", "switched.quic.example", "retry.quic.example",
            ]
        )
    }

    private static func hello(_ name: String) -> [UInt8] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        builder.keyShareLength = 1216  // two Initials, as browsers send now
        builder.extraExtensions = [(type: 0x0039, data: [0x01, 0x04, 0x80, 0x00, 0x75, 0x30])]
        return builder.handshakeMessage()
    }

    static func writeCapture(to path: String) throws {
        let dumper = try PcapDumper(path: path, linkType: .ethernet)
        var time = PacketTime(seconds: 1_767_225_600, nanoseconds: 0)
        var port: UInt16 = 50_000
        func udp(fromClient: Bool, _ payload: [UInt8]) {
            let (source, destination) = fromClient ? (client, server) : (server, client)
            let datagram = PacketBuilder.udp(
                sourcePort: fromClient ? port : 443,
                destinationPort: fromClient ? 443 : port,
                payload: payload,
                source: source,
                destination: destination
            )
            let ip = PacketBuilder.ipv4(source: source, destination: destination, protocolNumber: 17, payload: datagram)
            dumper.write(PacketBuilder.frame(ip, linkType: .ethernet), time: time)
            time.nanoseconds += 100_000
        }
        let clientCID: [UInt8] = [0xc1, 0xc1, 0xc1, 0xc1]
        let serverCID: [UInt8] = [0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e, 0x5e]
        var dcidSeed: UInt8 = 0
        func nextDCID() -> [UInt8] {
            dcidSeed += 1
            return (0..<8).map { dcidSeed &* 31 &+ $0 }
        }

        // Every version: two Initials, then the server's first packet.
        for version in versions {
            port += 1
            let builder = QUICInitialBuilder(version: version, dcid: nextDCID(), scid: clientCID)
            for packet in builder.packets(carrying: hello("\(version).quic.example"), chunkSize: 1000) {
                udp(fromClient: true, packet)
            }
            udp(fromClient: false, serverInitial(version: version, to: clientCID, from: serverCID))
        }

        // 0-RTT first: two 0-RTT datagrams, then the Initials.
        port += 1
        let resumed = QUICInitialBuilder(version: .v1, dcid: nextDCID(), scid: clientCID)
        for packetNumber in 0..<2 {
            udp(
                fromClient: true,
                resumed.seal(
                    frames: [UInt8](repeating: 0x01, count: 32),
                    packetNumber: UInt64(packetNumber),
                    minimumPayloadLength: 1100,
                    kind: .zeroRTT
                )
            )
        }
        for packet in resumed.packets(carrying: hello("zero-rtt.quic.example"), chunkSize: 1000, firstPacketNumber: 0) {
            udp(fromClient: true, packet)
        }

        // The first Initial, the server's Initial, then the second half of the hello sent to the
        // server's connection ID under the first DCID's keys.
        port += 1
        let firstDCID = nextDCID()
        let message = hello("switched.quic.example")
        let first = QUICInitialBuilder(dcid: firstDCID, scid: clientCID).packets(carrying: message, chunkSize: 1000)
        let later = QUICInitialBuilder(dcid: serverCID, scid: clientCID, keyDCID: firstDCID)
            .packets(carrying: message, chunkSize: 1000, firstPacketNumber: 1)
        udp(fromClient: true, first[0])
        udp(fromClient: false, serverInitial(version: .v1, to: clientCID, from: serverCID))
        udp(fromClient: true, later[1])

        // Half a hello, a Retry, then the whole hello again under the Retry connection ID's keys.
        port += 1
        let originalDCID = nextDCID()
        let retryCID: [UInt8] = [0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e, 0x7e]
        let token: [UInt8] = Array("retry-token".utf8)
        let retryHello = hello("retry.quic.example")
        udp(
            fromClient: true,
            QUICInitialBuilder(dcid: originalDCID, scid: clientCID).packets(carrying: retryHello, chunkSize: 1000)[0]
        )
        udp(fromClient: false, retry(to: clientCID, from: retryCID, originalDCID: originalDCID, token: token))
        for packet in QUICInitialBuilder(dcid: retryCID, scid: clientCID, token: token)
            .packets(carrying: retryHello, chunkSize: 1000, firstPacketNumber: 1)
        {
            udp(fromClient: true, packet)
        }
        try dumper.flush()
    }

    /// The server's first long-header packet: opaque after the header, enough for "answered".
    private static func serverInitial(version: QUICVersion, to dcid: [UInt8], from scid: [UInt8]) -> [UInt8] {
        var packet: [UInt8] = [0xc0 | version.typeBits(for: .initial) << 4 | 0x03]
        packet += PacketBuilder.be32(version.rawValue) + [UInt8(dcid.count)] + dcid + [UInt8(scid.count)] + scid
        packet += [0x00, 0x44, 0x00] + [UInt8](repeating: 0x3c, count: 0x400)
        return packet
    }

    /// A v1 Retry with a correct integrity tag (RFC 9001 §5.8), so tshark follows it as a client would.
    private static func retry(
        to dcid: [UInt8],
        from scid: [UInt8],
        originalDCID: [UInt8],
        token: [UInt8]
    ) -> [UInt8] {
        var packet: [UInt8] = [0xf0] + PacketBuilder.be32(1) + [UInt8(dcid.count)] + dcid + [UInt8(scid.count)] + scid
        packet += token
        let pseudo = [UInt8(originalDCID.count)] + originalDCID + packet
        // The fixed RFC 9001 §5.8 key and nonce: a builder's inputs cannot make these throw.
        let sealed = try! AES.GCM.seal(
            [UInt8](),
            using: SymmetricKey(data: TestBytes.hex("be0c690b9f66575a1d766b54e368c84e")),
            nonce: try! AES.GCM.Nonce(data: TestBytes.hex("461599d35d632bf2239825bb")),
            authenticating: pseudo
        )
        return packet + Array(sealed.tag)
    }

    @Test func everyQUICCaseYieldsItsNameLikeTshark() async throws {
        let directory = NSTemporaryDirectory() + "nw-analyze-quic-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capture = directory + "/quic.pcap"
        try Self.writeCapture(to: capture)

        let process = try await DaemonUnderTest(arguments: ["analyze", "--format", "json", capture])
        let exit = try await process.waitForExit(timeout: .seconds(30))
        let lines = process.outputLines
        #expect(exit.status == 0, "\(lines)")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let quicNames = objects.filter { $0["proto"] as? String == "quic" && $0["kind"] == nil }
            .compactMap { $0["name"] as? String }
        #expect(Set(quicNames) == Self.expectedNames, "\(lines)")
        #expect(quicNames.count == Self.expectedNames.count, "one name per flow: \(quicNames)")

        guard LabProgram.tshark.isInstalled else { return }
        let tshark = try await Command(
            "tshark",
            "-r",
            capture,
            "-Y",
            "quic",
            "-T",
            "fields",
            "-e",
            "tls.handshake.extensions_server_name"
        ).run()
        let theirs = Set(tshark.standardOutputText.split(whereSeparator: { $0 == "\n" || $0 == "," }).map(String.init))
        #expect(theirs == Set(quicNames), "tshark: \(theirs.sorted()), netwarden: \(quicNames.sorted())")
    }
}
