import Foundation
import NetwardenCapture
import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// Writes a benchmark capture when `NETWARDEN_GENERATE=path` is set (see `Benchmarks/capture/run`);
/// skipped otherwise. `NETWARDEN_GENERATE_MIX` picks the mix: `gateway` (the default) or
/// `name-rich`.
///
/// A test rather than a standalone program so it can use the project's own frame builders:
/// correct checksums, real TLS ClientHellos and real, decryptable QUIC v1 Initials from
/// `QUICInitialBuilder`, which tshark and nDPI dissect like browser traffic. The mix, per
/// `NETWARDEN_GENERATE_PACKETS` packets (default 1,000,000):
///
/// - 90 %: established HTTPS bulk on 4,000 IPv4 flows between 10.x.y.z clients and many
///   servers: 1,448-byte server segments and, one in four, the client's pure ACK.
/// - 10 %: connections that carry names, one after another: DNS query and response (40 % of
///   them; A, AAAA or HTTPS), TLS handshakes (30 %; the ClientHello in one segment, or in two
///   or three with a post-quantum key share or padding), QUIC v1 Initials (20 %; one or two
///   Initials) with a server reply, and plain-HTTP GETs with a Host header (10 %). One in ten
///   of these is over IPv6.
///
/// The name-rich mix (`NETWARDEN_GENERATE_MIX=name-rich`) is the worst case for the engine rather
/// than the typical one: 80 % bulk, and the 20 % of packets that carry names split evenly between
/// DNS, TLS and QUIC connections (a third of them QUIC, each decrypted), with no plain HTTP.
///
/// Timestamps advance about 1 µs per packet (roughly 10 Gbit/s at this size mix), with
/// nanosecond resolution. The seed is fixed, so every run writes the same file.
@Suite struct CaptureGatewayMix {
    static let path = ProcessInfo.processInfo.environment["NETWARDEN_GENERATE"]

    @Test(.enabled(if: path != nil, "set NETWARDEN_GENERATE=path to write the gateway-mix benchmark capture"))
    func generate() throws {
        let environment = ProcessInfo.processInfo.environment
        let count = environment["NETWARDEN_GENERATE_PACKETS"].flatMap(Int.init) ?? 1_000_000
        let mixName = environment["NETWARDEN_GENERATE_MIX"] ?? "gateway"
        let mix = try #require(GatewayMixWriter.Mix(rawValue: mixName), "unknown mix \(mixName)")
        var generator = try GatewayMixWriter(path: try #require(Self.path), mix: mix)
        try generator.write(packets: count)
        print(generator.summary)
    }
}

/// The names clients ask for: what a school's traffic looks like, plus a tail of generated ones.
private let gatewayMixNames: [String] = {
    let common = [
        "www.google.com", "classroom.google.com", "docs.google.com", "drive.google.com", "mail.google.com",
        "accounts.google.com", "www.youtube.com", "i.ytimg.com", "rr3---sn-aigl6nze.googlevideo.com",
        "fonts.gstatic.com", "www.bbc.co.uk", "www.bbc.com", "static.files.bbci.co.uk", "login.microsoftonline.com",
        "outlook.office365.com", "teams.microsoft.com", "www.office.com", "onedrive.live.com",
        "graph.microsoft.com", "www.wikipedia.org", "en.wikipedia.org", "upload.wikimedia.org",
        "www.sparxmaths.uk", "app.senecalearning.com", "quizlet.com", "kahoot.it", "www.duolingo.com",
        "www.canva.com", "scratch.mit.edu", "www.khanacademy.org", "www.tiktok.com", "www.instagram.com",
        "www.roblox.com", "discord.com", "www.reddit.com", "twitter.com", "www.netflix.com", "open.spotify.com",
        "apple.com", "gs.apple.com", "clients4.google.com", "update.googleapis.com", "dl.google.com",
        "ocsp.digicert.com", "r3.o.lencr.org", "ctldl.windowsupdate.com", "settings-win.data.microsoft.com",
        "www.gov.uk", "www.ofsted.gov.uk", "www.lgfl.net", "www.nationalarchives.gov.uk", "nordvpn.com",
        "www.proxysite.com", "dns.google", "cloudflare-dns.com", "mozilla.cloudflare-dns.com",
    ]
    return common + (0..<200).map { "cdn\($0).assets\($0 % 17).example-learning.net" }
}()

/// Writes the mix packet by packet. Bulk packets patch a per-flow frame in place (sequence or
/// acknowledgement number and an RFC 1624 incremental checksum update), so a million packets
/// take seconds even in a debug build.
private struct GatewayMixWriter {
    /// Which share of packets is bulk, and how name-carrying connections are split.
    enum Mix: String {
        /// 90 % bulk; names 40 % DNS, 30 % TLS, 20 % QUIC, 10 % HTTP.
        case gateway
        /// 80 % bulk; names a third each DNS, TLS and QUIC.
        case nameRich = "name-rich"

        /// Bulk packets per ten written.
        var bulkTenths: Int { self == .gateway ? 9 : 8 }
    }

    private let dumper: PcapDumper
    private let mix: Mix
    private var random = SeededGenerator(seed: 0x6e65_7477_6172_6465)
    private var clock = PacketTime(seconds: 1_735_732_800, nanoseconds: 0)
    private var flows: [BulkFlow] = []
    private var written = 0
    private var bulk = 0
    private var tally: [String: Int] = [:]

    /// One established HTTPS flow: its two frames, kept current and rewritten in place.
    private struct BulkFlow {
        var data: [UInt8]
        var ack: [UInt8]
        var serverSequence: UInt32
    }

    /// Ethernet + IPv4 offsets of the TCP fields the bulk path patches.
    private static let sequenceOffset = 14 + 20 + 4
    private static let acknowledgementOffset = 14 + 20 + 8
    private static let checksumOffset = 14 + 20 + 16
    private static let segmentSize = 1448

    init(path: String, mix: Mix) throws {
        dumper = try PcapDumper(path: path, linkType: .ethernet)
        self.mix = mix
        for _ in 0..<4000 { flows.append(makeBulkFlow()) }
    }

    var summary: String {
        let kinds = tally.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        return "wrote \(written) packets (\(bulk) bulk) to \(dumper.path); events: \(kinds)"
    }

    mutating func write(packets count: Int) throws {
        while written < count {
            // Keep bulk at its share of what has been written so far.
            if bulk * 10 < written * mix.bulkTenths {
                writeBulkPacket()
            } else {
                writeEvent()
            }
        }
        try dumper.flush()
    }

    // MARK: addresses and time

    private mutating func clientIPv4() -> IPAddress {
        IPAddress(ipv4: 0x0a00_0000 | UInt32.random(in: 0..<0x00ff_ffff, using: &random) | 1)
    }

    private mutating func serverIPv4() -> IPAddress {
        let firsts: [UInt32] = [23, 34, 52, 104, 142, 151, 172, 185, 216]
        let first = firsts.randomElement(using: &random)!
        return IPAddress(ipv4: first << 24 | UInt32.random(in: 0..<0x00ff_ffff, using: &random))
    }

    private mutating func clientIPv6() -> IPAddress {
        IPAddress(ipv6High: 0xfd00_0200_0001_0000, low: UInt64.random(in: 1...0xffff_ffff, using: &random))
    }

    private mutating func serverIPv6() -> IPAddress {
        IPAddress(ipv6High: 0x2001_0db8_0000_0000 | UInt64.random(in: 0...0xffff, using: &random), low: 1)
    }

    private mutating func ephemeralPort() -> UInt16 { UInt16.random(in: 32768...60999, using: &random) }

    private mutating func tick() -> PacketTime {
        var nanoseconds = Int64(clock.nanoseconds) + Int64.random(in: 200...1800, using: &random)
        if nanoseconds >= 1_000_000_000 {
            clock.seconds += 1
            nanoseconds -= 1_000_000_000
        }
        clock.nanoseconds = Int32(nanoseconds)
        return clock
    }

    private mutating func emit(_ ipPacket: [UInt8]) {
        dumper.write(PacketBuilder.frame(ipPacket, linkType: .ethernet), time: tick())
        written += 1
    }

    private mutating func count(_ kind: String) { tally[kind, default: 0] += 1 }

    // MARK: bulk

    private mutating func makeBulkFlow() -> BulkFlow {
        let client = clientIPv4()
        let server = serverIPv4()
        let port = ephemeralPort()
        let serverSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        let clientSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        let payload = (0..<Self.segmentSize).map { _ in UInt8.random(in: 0...255, using: &random) }
        let data = PacketBuilder.tcp(
            sourcePort: 443,
            destinationPort: port,
            sequence: serverSequence,
            acknowledgement: clientSequence,
            flags: [.ack],
            payload: payload,
            source: server,
            destination: client
        )
        let ack = PacketBuilder.tcp(
            sourcePort: port,
            destinationPort: 443,
            sequence: clientSequence,
            acknowledgement: serverSequence,
            flags: [.ack],
            payload: [],
            source: client,
            destination: server
        )
        return BulkFlow(
            data: PacketBuilder.frame(
                PacketBuilder.ipv4(source: server, destination: client, protocolNumber: 6, payload: data),
                linkType: .ethernet
            ),
            ack: PacketBuilder.frame(
                PacketBuilder.ipv4(source: client, destination: server, protocolNumber: 6, payload: ack),
                linkType: .ethernet
            ),
            serverSequence: serverSequence
        )
    }

    private mutating func writeBulkPacket() {
        let index = Int.random(in: 0..<flows.count, using: &random)
        let time = tick()
        if Int.random(in: 0..<4, using: &random) == 0 {
            let sequence = flows[index].serverSequence
            Self.patch(&flows[index].ack, field: Self.acknowledgementOffset, to: sequence)
            flows[index].ack.withUnsafeBytes { dumper.write($0, time: time) }
        } else {
            let sequence = flows[index].serverSequence &+ UInt32(Self.segmentSize)
            flows[index].serverSequence = sequence
            Self.patch(&flows[index].data, field: Self.sequenceOffset, to: sequence)
            flows[index].data.withUnsafeBytes { dumper.write($0, time: time) }
        }
        written += 1
        bulk += 1
    }

    /// Rewrites a 32-bit TCP field and updates the checksum for it (RFC 1624, eqn. 3).
    private static func patch(_ frame: inout [UInt8], field offset: Int, to value: UInt32) {
        func word(_ at: Int) -> UInt32 { UInt32(frame[at]) << 8 | UInt32(frame[at + 1]) }
        let oldHigh = word(offset)
        let oldLow = word(offset + 2)
        var sum = UInt32(~UInt16(word(checksumOffset)))
        sum += (~oldHigh & 0xffff) + (value >> 16) + (~oldLow & 0xffff) + (value & 0xffff)
        while sum > 0xffff { sum = (sum & 0xffff) + (sum >> 16) }
        let checksum = ~UInt16(sum)
        frame[offset] = UInt8(value >> 24)
        frame[offset + 1] = UInt8(truncatingIfNeeded: value >> 16)
        frame[offset + 2] = UInt8(truncatingIfNeeded: value >> 8)
        frame[offset + 3] = UInt8(truncatingIfNeeded: value)
        frame[checksumOffset] = UInt8(checksum >> 8)
        frame[checksumOffset + 1] = UInt8(truncatingIfNeeded: checksum)
    }

    // MARK: events carrying names

    private mutating func writeEvent() {
        let name = gatewayMixNames.randomElement(using: &random)!
        let ipv6 = Int.random(in: 0..<10, using: &random) == 0
        let client = ipv6 ? clientIPv6() : clientIPv4()
        let server = ipv6 ? serverIPv6() : serverIPv4()
        if mix == .nameRich {
            switch Int.random(in: 0..<3, using: &random) {
            case 0: writeDNS(name: name, client: client, server: server)
            case 1: writeTLS(name: name, client: client, server: server)
            default: writeQUIC(name: name, client: client, server: server)
            }
            return
        }
        switch Int.random(in: 0..<10, using: &random) {
        case 0..<4: writeDNS(name: name, client: client, server: server)
        case 4..<7: writeTLS(name: name, client: client, server: server)
        case 7..<9: writeQUIC(name: name, client: client, server: server)
        default: writeHTTP(name: name, client: client, server: server)
        }
    }

    private mutating func ip(
        _ source: IPAddress,
        _ destination: IPAddress,
        _ proto: UInt8,
        _ payload: [UInt8]
    ) -> [UInt8] {
        source.family == .ipv4
            ? PacketBuilder.ipv4(source: source, destination: destination, protocolNumber: proto, payload: payload)
            : PacketBuilder.ipv6(source: source, destination: destination, nextHeader: proto, payload: payload)
    }

    private mutating func udp(
        _ source: IPAddress,
        _ sourcePort: UInt16,
        _ destination: IPAddress,
        _ destinationPort: UInt16,
        _ payload: [UInt8]
    ) {
        let datagram = PacketBuilder.udp(
            sourcePort: sourcePort,
            destinationPort: destinationPort,
            payload: payload,
            source: source,
            destination: destination
        )
        emit(ip(source, destination, 17, datagram))
    }

    private mutating func tcp(
        _ source: IPAddress,
        _ sourcePort: UInt16,
        _ destination: IPAddress,
        _ destinationPort: UInt16,
        sequence: UInt32,
        acknowledgement: UInt32,
        flags: TCPFlags,
        _ payload: [UInt8] = []
    ) {
        let segment = PacketBuilder.tcp(
            sourcePort: sourcePort,
            destinationPort: destinationPort,
            sequence: sequence,
            acknowledgement: acknowledgement,
            flags: flags,
            payload: payload,
            source: source,
            destination: destination
        )
        emit(ip(source, destination, 6, segment))
    }

    private mutating func writeDNS(name: String, client: IPAddress, server: IPAddress) {
        let types: [DNSRecordType] = [.a, .a, .aaaa, .https]
        let type = types.randomElement(using: &random)!
        let id = UInt16.random(in: 0...UInt16.max, using: &random)
        let port = ephemeralPort()
        var query = DNSWireBuilder(id: id, flags: 0x0100)
        query.question(name, type: type)
        udp(client, port, server, 53, query.bytes)
        var response = DNSWireBuilder(id: id, flags: 0x8180, answers: type == .a ? 1 : 0)
        response.question(name, type: type)
        if type == .a { response.record(owner: 12, type: .a, data: serverIPv4().bytes) }
        udp(server, 53, client, port, response.bytes)
        count("dns")
    }

    /// Handshake, a ClientHello in one to three segments, the server's first flight.
    private mutating func writeTLS(name: String, client: IPAddress, server: IPAddress) {
        var hello = TLSClientHelloBuilder(serverName: name, alpn: ["h2", "http/1.1"])
        let shape = Int.random(in: 0..<20, using: &random)
        // Half a current browser's post-quantum hello (~1.9 KB: two segments), some with more
        // padding still (three segments), the rest a classic single-segment hello.
        if shape >= 10 {
            hello.keyShareLength = 1216
            let padding = shape >= 17 ? 1600 : 400
            hello.extraExtensions = [(type: 0x0015, data: Array(repeating: 0, count: padding))]
        }
        let records = hello.records()
        let port = ephemeralPort()
        var clientSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        var serverSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        tcp(client, port, server, 443, sequence: clientSequence, acknowledgement: 0, flags: [.syn])
        tcp(
            server,
            443,
            client,
            port,
            sequence: serverSequence,
            acknowledgement: clientSequence &+ 1,
            flags: [.syn, .ack]
        )
        clientSequence &+= 1
        serverSequence &+= 1
        tcp(client, port, server, 443, sequence: clientSequence, acknowledgement: serverSequence, flags: [.ack])
        var offset = 0
        while offset < records.count {
            let end = min(offset + Self.segmentSize, records.count)
            tcp(
                client,
                port,
                server,
                443,
                sequence: clientSequence,
                acknowledgement: serverSequence,
                flags: [.ack, .psh],
                Array(records[offset..<end])
            )
            clientSequence &+= UInt32(end - offset)
            offset = end
        }
        // ServerHello record header then opaque bytes: enough for "the server answered".
        var flight: [UInt8] = [22, 3, 3, 0x05, 0x90, 2, 0, 0, 0x56, 3, 3]
        flight += (0..<(Self.segmentSize - flight.count)).map { _ in UInt8.random(in: 0...255, using: &random) }
        tcp(server, 443, client, port, sequence: serverSequence, acknowledgement: clientSequence, flags: [.ack], flight)
        count(
            records.count > 2 * Self.segmentSize
                ? "tls-3seg" : records.count > Self.segmentSize ? "tls-2seg" : "tls-1seg"
        )
    }

    private mutating func writeQUIC(name: String, client: IPAddress, server: IPAddress) {
        var hello = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        hello.extraExtensions = [(type: 0x0039, data: [0x01, 0x04, 0x80, 0x00, 0x75, 0x30])]  // transport parameters
        if Int.random(in: 0..<2, using: &random) == 0 { hello.keyShareLength = 1216 }
        let dcid = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        let scid = (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        let port = ephemeralPort()
        let initials = QUICInitialBuilder(dcid: dcid, scid: scid).packets(
            carrying: hello.handshakeMessage(),
            chunkSize: 1100
        )
        for initial in initials { udp(client, port, server, 443, initial) }
        // The server's Initial+Handshake: a long header to the client's SCID, opaque after it.
        var reply: [UInt8] = [0xc1, 0, 0, 0, 1, 8] + scid + [8]
        reply += (0..<8).map { _ in UInt8.random(in: 0...255, using: &random) }
        reply += (0..<(1200 - reply.count)).map { _ in UInt8.random(in: 0...255, using: &random) }
        udp(server, 443, client, port, reply)
        count(initials.count > 1 ? "quic-2initials" : "quic-1initial")
    }

    private mutating func writeHTTP(name: String, client: IPAddress, server: IPAddress) {
        let port = ephemeralPort()
        var clientSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        var serverSequence = UInt32.random(in: 0...UInt32.max, using: &random)
        tcp(client, port, server, 80, sequence: clientSequence, acknowledgement: 0, flags: [.syn])
        tcp(
            server,
            80,
            client,
            port,
            sequence: serverSequence,
            acknowledgement: clientSequence &+ 1,
            flags: [.syn, .ack]
        )
        clientSequence &+= 1
        serverSequence &+= 1
        tcp(client, port, server, 80, sequence: clientSequence, acknowledgement: serverSequence, flags: [.ack])
        let request = Array(
            "GET /index.html HTTP/1.1\r\nHost: \(name)\r\nUser-Agent: Mozilla/5.0 (X11; CrOS x86_64)\r\nAccept: */*\r\n\r\n"
                .utf8
        )
        tcp(
            client,
            port,
            server,
            80,
            sequence: clientSequence,
            acknowledgement: serverSequence,
            flags: [.ack, .psh],
            request
        )
        clientSequence &+= UInt32(request.count)
        let response = Array("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 0\r\n\r\n".utf8)
        tcp(
            server,
            80,
            client,
            port,
            sequence: serverSequence,
            acknowledgement: clientSequence,
            flags: [.ack, .psh],
            response
        )
        count("http")
    }
}
