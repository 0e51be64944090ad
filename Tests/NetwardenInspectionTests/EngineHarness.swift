import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport

/// One end of a test conversation.
struct Peer: Sendable {
    var address: IPAddress
    var port: UInt16

    static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> Peer {
        Peer(address: IPAddress([a, b, c, d])!, port: port)
    }
}

/// Frames built with `PacketBuilder`, Ethernet-framed like a live capture.
enum Frames {
    static func ip(_ from: Peer, _ to: Peer, protocolNumber: UInt8, _ payload: [UInt8]) -> [UInt8] {
        if from.address.family == .ipv4 {
            return PacketBuilder.ipv4(
                source: from.address,
                destination: to.address,
                protocolNumber: protocolNumber,
                payload: payload
            )
        }
        return PacketBuilder.ipv6(
            source: from.address,
            destination: to.address,
            nextHeader: protocolNumber,
            payload: payload
        )
    }

    static func udp(_ from: Peer, _ to: Peer, _ payload: [UInt8]) -> [UInt8] {
        let datagram = PacketBuilder.udp(
            sourcePort: from.port,
            destinationPort: to.port,
            payload: payload,
            source: from.address,
            destination: to.address
        )
        return PacketBuilder.frame(ip(from, to, protocolNumber: 17, datagram), linkType: .ethernet)
    }

    static func tcp(
        _ from: Peer,
        _ to: Peer,
        sequence: UInt32,
        acknowledgement: UInt32 = 0,
        flags: TCPFlags = [.ack, .psh],
        _ payload: [UInt8] = []
    ) -> [UInt8] {
        let segment = PacketBuilder.tcp(
            sourcePort: from.port,
            destinationPort: to.port,
            sequence: sequence,
            acknowledgement: acknowledgement,
            flags: flags,
            payload: payload,
            source: from.address,
            destination: to.address
        )
        return PacketBuilder.frame(ip(from, to, protocolNumber: 6, segment), linkType: .ethernet)
    }
}

/// A TCP connection seen from the capture point: client initial sequence numbers are fixed so
/// tests can place segments at stream offsets.
struct TCPConversation {
    var client: Peer
    var server: Peer
    var clientISN: UInt32 = 0x1000_0000
    var serverISN: UInt32 = 0xffff_ff00  // wraps during the stream on purpose

    func syn() -> [UInt8] { Frames.tcp(client, server, sequence: clientISN, flags: [.syn]) }

    func synAck() -> [UInt8] {
        Frames.tcp(server, client, sequence: serverISN, acknowledgement: clientISN &+ 1, flags: [.syn, .ack])
    }

    /// Client data at `offset` bytes into the client's stream.
    func client(_ payload: [UInt8], at offset: Int = 0, flags: TCPFlags = [.ack, .psh]) -> [UInt8] {
        Frames.tcp(client, server, sequence: clientISN &+ 1 &+ UInt32(offset), flags: flags, payload)
    }

    func server(_ payload: [UInt8], at offset: Int = 0, flags: TCPFlags = [.ack, .psh]) -> [UInt8] {
        Frames.tcp(server, client, sequence: serverISN &+ 1 &+ UInt32(offset), flags: flags, payload)
    }

    func reset(fromClient: Bool) -> [UInt8] {
        fromClient ? client([], flags: [.rst, .ack]) : server([], flags: [.rst, .ack])
    }

    func fin(fromClient: Bool, at offset: Int) -> [UInt8] {
        fromClient ? client([], at: offset, flags: [.fin, .ack]) : server([], at: offset, flags: [.fin, .ack])
    }

    var endpoints: FlowEndpoints {
        FlowEndpoints(
            transport: .tcp,
            client: client.address,
            clientPort: client.port,
            server: server.address,
            serverPort: server.port
        )
    }
}

/// Drives one engine and records what it emits.
final class Harness {
    var engine: InspectionEngine
    var events: [InspectionEvent] = []
    /// Seconds since the harness epoch; each `send` may move it on.
    var clock: Double = 0
    static let epoch: Int64 = 1_700_000_000

    init(_ configuration: InspectionConfiguration = InspectionConfiguration()) {
        engine = InspectionEngine(configuration: configuration)
    }

    static func time(_ seconds: Double) -> PacketTime {
        let whole = seconds.rounded(.down)
        return PacketTime(seconds: epoch + Int64(whole), nanoseconds: Int32((seconds - whole) * 1e9))
    }

    func send(_ frame: [UInt8], after delay: Double = 0.001) {
        clock += delay
        let time = Self.time(clock)
        frame.withUnsafeBytes { raw in
            engine.process(frame: raw, linkType: .ethernet, time: time) { events.append($0) }
        }
    }

    func send(_ frames: [[UInt8]]) {
        for frame in frames { send(frame) }
    }

    func expire(after delay: Double) {
        clock += delay
        engine.expire(now: Self.time(clock)) { events.append($0) }
    }

    var statistics: InspectionStatistics { engine.statistics }

    var names: [NameObservation] {
        events.compactMap { if case .name(let name) = $0 { name } else { nil } }
    }

    var outcomes: [OutcomeObservation] {
        events.compactMap { if case .outcome(let outcome) = $0 { outcome } else { nil } }
    }

    var flows: [FlowObservation] {
        events.compactMap { if case .flow(let flow) = $0 { flow } else { nil } }
    }
}

extension NameOutcome {
    /// A compact text form so tests can compare outcomes with `==`.
    var summary: String {
        switch self {
        case .dnsResponse(let rcode, let addresses, let cnames, let ech):
            "dns rcode=\(rcode) addresses=\(addresses.map(\.description)) cnames=\(cnames) ech=\(ech)"
        case .serverAnswered: "serverAnswered"
        case .tlsAlert(let description): "tlsAlert(\(description))"
        case .reset: "reset"
        case .noAnswer: "noAnswer"
        case .httpResponse(let status, let location): "http \(status) location=\(location ?? "-")"
        }
    }
}
