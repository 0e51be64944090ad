// Times the packet, DNS and HTTP decoders on in-memory frames (run by hand, not by CI):
// Benchmarks/run-decode-benchmark. At 10 Gbit/s with an average of ~800-byte frames, one core
// sees ~1.5 M frames/s, so the packet decoder needs to stay well under ~600 ns per frame.
import NetwardenProtocols

let client = IPAddress([10, 1, 2, 3])!
let resolver = IPAddress([10, 0, 0, 53])!
let server6 = IPAddress([0x26, 0x06, 0x47, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x12, 0x1a, 0x2b])!
let client6 = IPAddress([0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10])!

var dns = DNSWireBuilder(flags: 0x8180, questions: 1, answers: 3)
dns.question("www.example.com", type: .a)
let cnameData = dns.offset + 12
dns.record(owner: 12, type: .cname, data: DNSWireBuilder.wireName("cdn.example.net"))
dns.record(owner: cnameData, type: .a, data: [192, 0, 2, 1])
dns.record(owner: cnameData, type: .a, data: [192, 0, 2, 2])
let dnsMessage = dns.bytes

let dnsFrame = PacketBuilder.frame(
    PacketBuilder.ipv4(
        source: resolver,
        destination: client,
        protocolNumber: 17,
        payload: PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: 40000,
            payload: dnsMessage,
            source: resolver,
            destination: client
        )
    ),
    linkType: .ethernet,
    vlanTags: [.init(id: 10)]
)
let bulkFrame = PacketBuilder.frame(
    PacketBuilder.ipv6(
        source: server6,
        destination: client6,
        nextHeader: 6,
        payload: PacketBuilder.tcp(
            sourcePort: 443,
            destinationPort: 50000,
            options: [1, 1, 8, 10, 0, 0, 0, 1, 0, 0, 0, 2],
            payload: Array(repeating: 0x17, count: 1400),
            source: server6,
            destination: client6
        )
    ),
    linkType: .ethernet
)
let httpHead = Array(
    "GET /search?q=homework HTTP/1.1\r\nUser-Agent: Mozilla/5.0 (X11; CrOS x86_64)\r\nAccept: */*\r\nHost: www.example.com\r\n\r\n"
        .utf8
)

func measure(_ label: String, iterations: Int, _ body: () -> Int) {
    var sink = 0
    for _ in 0..<iterations / 10 { sink &+= body() }  // warm up
    let clock = ContinuousClock()
    let start = clock.now
    for _ in 0..<iterations { sink &+= body() }
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    let nanoseconds = seconds / Double(iterations) * 1e9
    let padded = label + String(repeating: " ", count: max(0, 40 - label.count))
    print(padded, "\(Int(nanoseconds)) ns/op", "\(Int(1e9 / nanoseconds / 1e3)) k op/s", "(sink \(sink & 1))")
}

let iterations = 2_000_000
// The capture path keeps one name buffer and decodes into it.
nonisolated(unsafe) var scratchName = DomainName()
dnsFrame.withUnsafeBytes { frame in
    measure("packet: Ethernet+VLAN IPv4 UDP (DNS)", iterations: iterations) {
        (try? PacketDecoder.decode(frame, linkType: .ethernet))?.payload.count ?? 0
    }
    measure("packet + DNS: question and answers", iterations: iterations) {
        guard let packet = try? PacketDecoder.decode(frame, linkType: .ethernet),
            var reader = try? DNSMessageReader(packet.payload)
        else { return 0 }
        var total = 0
        while let question = try? reader.nextQuestion() {
            question.name.decode(into: &scratchName)
            total &+= scratchName.count
        }
        while let record = try? reader.nextRecord() {
            if case .a(let address) = record.data { total &+= Int(address.low & 1) }
        }
        return total
    }
}
bulkFrame.withUnsafeBytes { frame in
    measure("packet: Ethernet IPv6 TCP 1400 B", iterations: iterations) {
        (try? PacketDecoder.decode(frame, linkType: .ethernet))?.payload.count ?? 0
    }
}
httpHead.withUnsafeBytes { bytes in
    measure("HTTP request head (Host 4th line)", iterations: iterations) {
        if case .found(let head) = HTTPRequestHead.parse(bytes) { return head.host?.count ?? 0 }
        return 0
    }
}
