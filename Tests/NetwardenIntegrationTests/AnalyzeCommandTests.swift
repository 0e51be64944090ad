import Foundation
import NetwardenCapture
import NetwardenInspection
import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// `netwarden analyze` end to end: a capture written here, the real binary, its JSON lines.
@Suite(.enabled(if: DaemonUnderTest.isBuilt, "needs the netwarden binary (swift build)"), .timeLimit(.minutes(1)))
struct AnalyzeCommandTests {
    static let client = IPAddress(ipv4: 0x0a01_0203)
    static let resolver = IPAddress(ipv4: 0x0a00_0035)
    static let web = IPAddress(ipv4: 0x5db8_d822)
    static let otherResolver = IPAddress(ipv4: 0x0808_0808)

    static let client6 = IPAddress(ipv6High: 0x2001_0db8_0001_0000, low: 0x0000_0000_0000_0023)
    static let resolver6 = IPAddress(ipv6High: 0x2001_0db8_0000_0000, low: 0x0000_0000_0000_0053)

    /// A capture with: a DNS question for a listed gambling name answered with a routable
    /// address (a leak), a TLS ClientHello to a DoH provider, an HTTP GET with a Host, a DNS
    /// exchange over IPv6 whose answer arrives as two fragments in reverse order, and two IPv4
    /// fragments that overlap (an evasion trick: the datagram is dropped).
    static func writeCapture(to path: String) throws {
        let dumper = try PcapDumper(path: path, linkType: .ethernet)
        var time = PacketTime(seconds: 1_767_225_600, nanoseconds: 123_456_789)
        func emit(_ ip: [UInt8]) {
            dumper.write(PacketBuilder.frame(ip, linkType: .ethernet), time: time)
            time.nanoseconds += 1000
        }
        func udp(_ from: IPAddress, _ sport: UInt16, _ to: IPAddress, _ dport: UInt16, _ payload: [UInt8]) {
            emit(
                PacketBuilder.ipv4(
                    source: from,
                    destination: to,
                    protocolNumber: 17,
                    payload: PacketBuilder.udp(
                        sourcePort: sport,
                        destinationPort: dport,
                        payload: payload,
                        source: from,
                        destination: to
                    )
                )
            )
        }
        func tcp(
            _ from: IPAddress,
            _ sport: UInt16,
            _ to: IPAddress,
            _ dport: UInt16,
            seq: UInt32,
            ack: UInt32 = 0,
            flags: TCPFlags,
            _ payload: [UInt8] = []
        ) {
            emit(
                PacketBuilder.ipv4(
                    source: from,
                    destination: to,
                    protocolNumber: 6,
                    payload: PacketBuilder.tcp(
                        sourcePort: sport,
                        destinationPort: dport,
                        sequence: seq,
                        acknowledgement: ack,
                        flags: flags,
                        payload: payload,
                        source: from,
                        destination: to
                    )
                )
            )
        }
        // DNS: question and a routable answer.
        var query = DNSWireBuilder(id: 0x1111, flags: 0x0100)
        query.question("www.casino.example")
        udp(client, 40000, resolver, 53, query.bytes)
        var answer = DNSWireBuilder(id: 0x1111, flags: 0x8180, answers: 1)
        answer.question("www.casino.example")
        answer.record(owner: 12, type: .a, data: web.bytes)
        udp(resolver, 53, client, 40000, answer.bytes)
        // TLS to a DoH provider (SYN, ClientHello).
        tcp(client, 40001, otherResolver, 443, seq: 999, flags: [.syn])
        tcp(
            client,
            40001,
            otherResolver,
            443,
            seq: 1000,
            flags: [.ack, .psh],
            TLSClientHelloBuilder(serverName: "dns.google", alpn: ["h2"]).records()
        )
        // HTTP GET with a Host header.
        tcp(client, 40002, web, 80, seq: 4999, flags: [.syn])
        tcp(
            client,
            40002,
            web,
            80,
            seq: 5000,
            flags: [.ack, .psh],
            Array("GET /index.html HTTP/1.1\r\nHost: Schools.Example.ORG:8080\r\nUser-Agent: t\r\n\r\n".utf8)
        )
        // DNS over IPv6, the answer fragmented and its last fragment first.
        var query6 = DNSWireBuilder(id: 0x6666, flags: 0x0100)
        query6.question("v6.casino.example", type: .aaaa)
        emit(
            PacketBuilder.ipv6(
                source: client6,
                destination: resolver6,
                nextHeader: 17,
                payload: PacketBuilder.udp(
                    sourcePort: 40003,
                    destinationPort: 53,
                    payload: query6.bytes,
                    source: client6,
                    destination: resolver6
                )
            )
        )
        var answer6 = DNSWireBuilder(id: 0x6666, flags: 0x8180, answers: 1)
        answer6.question("v6.casino.example", type: .aaaa)
        let site6 = IPAddress(ipv6High: 0x2606_2800_0220_0001, low: 0x0248_1893_25c8_1946)
        answer6.record(owner: 12, type: .aaaa, data: site6.bytes)
        let datagram6 = PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: 40003,
            payload: answer6.bytes,
            source: resolver6,
            destination: client6
        )
        for fragment in PacketBuilder.ipv6Fragments(
            source: resolver6,
            destination: client6,
            nextHeader: 17,
            fragmentable: datagram6,
            sizes: [32]
        ).reversed() {
            emit(fragment)
        }
        // Two IPv4 fragments covering the same first 16 bytes.
        let overlapping = PacketBuilder.udp(
            sourcePort: 53,
            destinationPort: 40004,
            payload: Array(repeating: 0x41, count: 40),
            source: resolver,
            destination: client
        )
        let first = PacketBuilder.ipv4Fragments(
            source: resolver,
            destination: client,
            protocolNumber: 17,
            ipPayload: overlapping,
            sizes: [16],
            identification: 0x0bad
        )
        emit(first[0])
        emit(first[0])
        try dumper.flush()
    }

    static func run(_ arguments: [String]) async throws -> (output: [String], status: Int32) {
        let process = try await DaemonUnderTest(arguments: arguments)
        let exit = try await process.waitForExit(timeout: .seconds(30))
        return (process.outputLines, exit.status)
    }

    @Test func jsonLinesFollowTheOutputContract() async throws {
        let directory = NSTemporaryDirectory() + "nw-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let capture = directory + "/school.pcap"
        try Self.writeCapture(to: capture)
        try "casino.example\n".write(toFile: directory + "/gambling.txt", atomically: true, encoding: .utf8)
        try "dns.google\n".write(toFile: directory + "/doh.txt", atomically: true, encoding: .utf8)
        try """
        [identity]
        trust = "t"
        site = "s"

        [daemon]
        state_directory = "\(directory)/state"

        [filter]
        resolvers = ["10.0.0.53"]
        doh_lists = ["\(directory)/doh.txt"]
        doh_resolver_lists = []
        tor_relay_lists = []

        [[filter.category]]
        name = "gambling"
        policy = "must_block"
        lists = ["\(directory)/gambling.txt"]
        """.write(toFile: directory + "/netwarden.toml", atomically: true, encoding: .utf8)

        let (lines, status) = try await Self.run([
            "analyze", "--format", "json", "--config", directory + "/netwarden.toml", capture,
        ])
        #expect(status == 0, "\(lines)")
        let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(objects.count == lines.count, "every line is one JSON object")
        let names = objects.filter { $0["proto"] != nil && $0["kind"] == nil }
        let byName = Dictionary(names.map { ($0["name"] as? String ?? "", $0) }, uniquingKeysWith: { a, _ in a })

        let dns = try #require(byName["www.casino.example"])
        #expect(dns["proto"] as? String == "dns")
        #expect(dns["src"] as? String == "10.1.2.3" && dns["dst"] as? String == "10.0.0.53")
        #expect(dns["sport"] as? Int == 40000 && dns["dport"] as? Int == 53)
        #expect((dns["ts"] as? Double).map { abs($0 - 1_767_225_600.123) < 0.001 } == true)
        #expect(dns["categories"] as? [String] == ["gambling"])

        let tls = try #require(byName["dns.google"])
        #expect(tls["proto"] as? String == "tls" && tls["dport"] as? Int == 443 && tls["dst"] as? String == "8.8.8.8")
        // Host lowercased, port stripped.
        let http = try #require(byName["schools.example.org"])
        #expect(http["proto"] as? String == "http" && http["sport"] as? Int == 40002 && http["dport"] as? Int == 80)

        let kinds = objects.compactMap { $0["kind"] as? String }
        #expect(kinds.contains("filter_leak"), "\(lines)")
        // The IPv6 answer was put back together from its fragments and judged like any other.
        #expect(
            objects.contains {
                $0["kind"] as? String == "filter_leak" && $0["subject"] as? String == "v6.casino.example"
            },
            "\(lines)"
        )
        #expect(kinds.contains("bypass_doh"), "\(lines)")
        let leak = try #require(objects.first { $0["kind"] as? String == "filter_leak" })
        // Clients are pseudonymised unless the school keeps addresses.
        #expect((leak["client"] as? String)?.hasPrefix("c-") == true)
        #expect(!lines.contains { $0.contains(#""client":"10.1.2.3""#) })
    }

    @Test func theSummaryCountsNamesLeaksAndBypass() async throws {
        let directory = NSTemporaryDirectory() + "nw-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeCapture(to: directory + "/a.pcap")
        let (lines, status) = try await Self.run(["analyze", directory + "/a.pcap"])
        #expect(status == 0)
        #expect(lines.contains("names: 4 (dns 2, tls 1, quic 0, http 1); 4 distinct"), "\(lines)")
        #expect(lines.contains { $0.hasPrefix("undecodable packets: 0") })
        // Held: the two IPv6 fragments and the first IPv4 one; its copy overlaps and is refused.
        #expect(
            lines.contains("IP fragments: 3 held, 1 datagrams reassembled, 1 dropped (overlap 1)"),
            "\(lines)"
        )
    }

    @Test func unreadableCapturesGiveAClearErrorAndStatus1() async throws {
        let garbage = NSTemporaryDirectory() + "nw-garbage-\(UUID().uuidString).pcap"
        try Data("this is not a capture".utf8).write(to: URL(fileURLWithPath: garbage))
        defer { try? FileManager.default.removeItem(atPath: garbage) }
        let process = try await DaemonUnderTest(arguments: ["analyze", garbage, "/nonexistent/x.pcap"])
        let exit = try await process.waitForExit(timeout: .seconds(30))
        #expect(exit.status == 1)
        #expect(process.logLines.contains { $0.contains(garbage) }, "\(process.logLines)")
    }

    /// One file that cannot be opened (a 6-byte stub, an empty file, a directory, a truncated
    /// capture) is named once on stderr; the good captures are still analysed; the status is 1.
    @Test func badFilesAreReportedAndTheOthersStillAnalysed() async throws {
        let directory = NSTemporaryDirectory() + "nw-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory + "/adir", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeCapture(to: directory + "/good.pcap")
        try Data([0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x00]).write(to: URL(fileURLWithPath: directory + "/six.pcap"))
        try Data().write(to: URL(fileURLWithPath: directory + "/empty.pcap"))
        // A whole header and half a packet record: libpcap reports "truncated dump file".
        let good = try Data(contentsOf: URL(fileURLWithPath: directory + "/good.pcap"))
        try good.prefix(24 + 8).write(to: URL(fileURLWithPath: directory + "/truncated.pcap"))
        let bad = ["six.pcap", "empty.pcap", "adir", "truncated.pcap"].map { directory + "/" + $0 }
        let process = try await DaemonUnderTest(arguments: [
            "analyze", bad[0], bad[1], directory + "/good.pcap", bad[2], bad[3],
        ])
        let exit = try await process.waitForExit(timeout: .seconds(30))
        #expect(exit.status == 1)
        #expect(
            process.outputLines.contains("names: 4 (dns 2, tls 1, quic 0, http 1); 4 distinct"),
            "\(process.outputLines)"
        )
        for file in bad {
            let lines = process.logLines.filter { $0.contains(file) }
            #expect(lines.count == 1, "\(file): \(process.logLines)")
            // The path once, not `FILE: FILE: ...`.
            #expect(lines.allSatisfy { $0.components(separatedBy: file).count == 2 }, "\(lines)")
        }
    }

    /// Names and events give `ts` in one form: seconds with nine decimals.
    @Test func namesAndEventsShareOneTimestampFormat() async throws {
        let directory = NSTemporaryDirectory() + "nw-analyze-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.writeCapture(to: directory + "/a.pcap")
        try "casino.example\n".write(toFile: directory + "/gambling.txt", atomically: true, encoding: .utf8)
        try """
        [identity]
        trust = "t"
        site = "s"
        [daemon]
        state_directory = "\(directory)/state"
        [filter]
        resolvers = ["10.0.0.53"]
        doh_lists = []
        doh_resolver_lists = []
        tor_relay_lists = []
        [[filter.category]]
        name = "gambling"
        policy = "must_block"
        lists = ["\(directory)/gambling.txt"]
        """.write(toFile: directory + "/netwarden.toml", atomically: true, encoding: .utf8)
        let (lines, status) = try await Self.run([
            "analyze", "--format", "json", "--config", directory + "/netwarden.toml", directory + "/a.pcap",
        ])
        #expect(status == 0)
        let events = lines.filter { $0.contains(#""kind":"#) }
        let names = lines.filter { !$0.contains(#""kind":"#) }
        #expect(!events.isEmpty && !names.isEmpty, "\(lines)")
        let pattern = /^\{"ts":1767225600\.\d{9},/
        for line in lines { #expect(line.firstMatch(of: pattern) != nil, "\(line)") }
    }

    /// An 802.11 capture is refused by name, not read as a file of undecodable packets.
    @Test func anUnsupportedLinkTypeSaysSoAndFails() async throws {
        let path = NSTemporaryDirectory() + "nw-wifi-\(UUID().uuidString).pcap"
        defer { try? FileManager.default.removeItem(atPath: path) }
        let dumper = try PcapDumper(path: path, linkType: LinkType(rawValue: 105))
        dumper.write(
            [0x80, 0x00, 0x00, 0x00] + [UInt8](repeating: 0xff, count: 20),
            time: PacketTime(seconds: 1, nanoseconds: 0)
        )
        try dumper.flush()
        let process = try await DaemonUnderTest(arguments: ["analyze", path])
        let exit = try await process.waitForExit(timeout: .seconds(30))
        #expect(exit.status == 1)
        #expect(
            process.logLines.contains { $0.contains(path) && $0.contains("802.11") && $0.contains("not supported") },
            "\(process.logLines)"
        )
    }
}
