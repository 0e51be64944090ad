import NetwardenCore
import NetwardenFiltering
import NetwardenInspection
import NetwardenProtocols
import Testing

/// Leak, blocked and bypass judgement on engine events, as the collector would receive them.
@Suite struct FilterJudgeTests {
    static let client = IPAddress(text: "10.1.2.3")!
    static let resolver = IPAddress(text: "10.0.0.53")!
    static let blockPage = IPAddress(text: "10.0.0.2")!
    static let sinkhole = IPAddress(text: "10.0.0.9")!
    static let site = IPAddress(text: "93.184.216.34")!

    static func judge(
        debounce: Int64 = 600,
        pseudonymizer: ClientPseudonymizer = .keepingAddresses
    ) throws
        -> FilterJudge
    {
        var builder = try CategoryMatcherBuilder(categories: [
            FilterCategory(name: "adult", policy: .mustBlock), FilterCategory(name: "games", policy: .monitor),
        ])
        _ = builder.addList(contents: Array("adult.example\n".utf8), fileName: "a", format: .domains, category: 0)
        _ = builder.addList(contents: Array("games.example\n".utf8), fileName: "g", format: .domains, category: 1)
        var settings = try FilterJudgeSettings(site: "st-marys")
        settings.resolvers = [resolver]
        settings.sinkholeAddresses = [sinkhole]
        settings.blockPageAddresses = [blockPage]
        settings.blockPageHosts = try CategoryMatcher.nameSet("hosts", domains: ["block.filter.example"]).0
        settings.blockStatusCodes = [451]
        settings.dohProviders = try CategoryMatcher.nameSet("doh", domains: ["dns.google", "cloudflare-dns.com"]).0
        settings.echPublicNames = try CategoryMatcher.nameSet("ech", domains: ["cloudflare-ech.com"]).0
        settings.dohResolverAddresses = AddressList([IPAddress(text: "8.8.8.8")!])
        settings.torRelayAddresses = AddressList([IPAddress(text: "198.51.100.9")!])
        settings.debounceSeconds = debounce
        return FilterJudge(
            settings: settings,
            categories: ReloadableCategoryMatcher(try builder.build()),
            pseudonymizer: pseudonymizer
        )
    }

    static func flow(
        _ transport: FlowTransport = .tcp,
        server: IPAddress = site,
        port: UInt16 = 443,
        client: IPAddress = client
    ) -> FlowEndpoints {
        FlowEndpoints(transport: transport, client: client, clientPort: 50_000, server: server, serverPort: port)
    }

    static func outcome(
        _ proto: NameProtocol,
        _ name: String,
        _ outcome: NameOutcome,
        server: IPAddress = site,
        port: UInt16 = 443,
        at seconds: Int64 = 1_700_000_000
    ) -> InspectionEvent {
        .outcome(
            OutcomeObservation(
                time: PacketTime(seconds: seconds, nanoseconds: 0),
                proto: proto,
                name: name,
                flow: flow(proto == .quic || proto == .dns ? .udp : .tcp, server: server, port: port),
                outcome: outcome
            )
        )
    }

    static func dns(_ rcode: UInt16, _ addresses: [String]) -> NameOutcome {
        .dnsResponse(
            rcode: rcode,
            addresses: addresses.map { IPAddress(text: $0)! },
            cnames: [],
            echConfigPublished: false
        )
    }

    private func run(_ judge: inout FilterJudge, _ events: [InspectionEvent]) -> [FilterEvent] {
        var out: [FilterEvent] = []
        for event in events { judge.judge(event, into: &out) }
        return out
    }

    private func verdicts(_ event: InspectionEvent) throws -> [String] {
        var judge = try Self.judge()
        return run(&judge, [event]).map { "\($0.kind.rawValue) \($0.method?.rawValue ?? "-"): \($0.evidence)" }
    }

    @Test func dnsRoutableAnswerLeaksSinkholeAndNXDOMAINAreBlocks() throws {
        let r = Self.resolver
        #expect(
            try verdicts(Self.outcome(.dns, "www.adult.example", Self.dns(0, ["93.184.216.34"]), server: r, port: 53))
                == [
                    "filter_leak dns_answer: DNS answer 93.184.216.34 from 10.0.0.53 (listed: adult.example in adult)"
                ]
        )
        #expect(
            try verdicts(Self.outcome(.dns, "adult.example", Self.dns(0, ["10.0.0.9"]), server: r, port: 53)) == [
                "filter_blocked dns_answer: DNS answer 10.0.0.9 (a sinkhole) from 10.0.0.53 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(Self.outcome(.dns, "adult.example", Self.dns(0, ["0.0.0.0", "::"]), server: r, port: 53)) == [
                "filter_blocked dns_answer: DNS answer 0.0.0.0 (not routable) from 10.0.0.53 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(Self.outcome(.dns, "adult.example", Self.dns(3, []), server: r, port: 53)) == [
                "filter_blocked dns_answer: DNS NXDOMAIN from 10.0.0.53 (listed: adult.example in adult)"
            ]
        )
        // A question left unanswered (the resolver dropped it) is a block judged on the DNS
        // answer: there was no handshake to name.
        #expect(
            try verdicts(Self.outcome(.dns, "adult.example", .noAnswer, server: r, port: 53)) == [
                "filter_blocked dns_answer: no answer from 10.0.0.53 (listed: adult.example in adult)"
            ]
        )
        // SERVFAIL and empty answers say nothing about the filter; monitor categories never leak.
        #expect(try verdicts(Self.outcome(.dns, "adult.example", Self.dns(2, []), server: r, port: 53)).isEmpty)
        #expect(try verdicts(Self.outcome(.dns, "adult.example", Self.dns(0, []), server: r, port: 53)).isEmpty)
        #expect(try verdicts(Self.outcome(.dns, "games.example", Self.dns(0, ["93.184.216.34"]))).isEmpty)
        #expect(try verdicts(Self.outcome(.dns, "notadult.example", Self.dns(0, ["93.184.216.34"]))).isEmpty)
    }

    @Test func tlsAnsweredLeaksResetAndBlockPageAreBlocks() throws {
        #expect(
            try verdicts(Self.outcome(.tls, "adult.example", .serverAnswered)) == [
                "filter_leak tls_handshake: TLS handshake answered by 93.184.216.34:443 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(Self.outcome(.quic, "adult.example", .serverAnswered)).first?.hasPrefix(
                "filter_leak quic_handshake"
            ) == true
        )
        #expect(
            try verdicts(Self.outcome(.tls, "adult.example", .reset)) == [
                "filter_blocked tls_handshake: TCP reset before an answer from 93.184.216.34 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(Self.outcome(.tls, "adult.example", .serverAnswered, server: Self.blockPage)) == [
                "filter_blocked tls_handshake: TLS handshake answered by the filter at 10.0.0.2 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(Self.outcome(.tls, "adult.example", .tlsAlert(description: 40))).first?.hasPrefix(
                "filter_blocked tls_handshake: TLS alert 40"
            ) == true
        )
    }

    @Test func httpOKLeaksRedirectToBlockHostAnd451AreBlocks() throws {
        #expect(
            try verdicts(Self.outcome(.http, "adult.example", .httpResponse(status: 200, locationHost: nil), port: 80))
                == ["filter_leak http_response: HTTP 200 from 93.184.216.34:80 (listed: adult.example in adult)"]
        )
        #expect(
            try verdicts(
                Self.outcome(.http, "adult.example", .httpResponse(status: 302, locationHost: "block.filter.example"))
            ) == [
                "filter_blocked http_response: HTTP 302 redirect to block page host block.filter.example from 93.184.216.34 (listed: adult.example in adult)"
            ]
        )
        #expect(
            try verdicts(
                Self.outcome(.http, "adult.example", .httpResponse(status: 302, locationHost: "elsewhere.example"))
            )
            .first?.hasPrefix("filter_leak") == true
        )
        #expect(
            try verdicts(Self.outcome(.http, "adult.example", .httpResponse(status: 451, locationHost: nil))) == [
                "filter_blocked http_response: HTTP 451 (a filter block status) from 93.184.216.34 (listed: adult.example in adult)"
            ]
        )
    }

    @Test func everyBypassKind() throws {
        let time = PacketTime(seconds: 1_700_000_000, nanoseconds: 0)
        func name(
            _ proto: NameProtocol,
            _ text: String,
            _ flow: FlowEndpoints,
            ech: Bool = false,
            method: String? = nil
        )
            -> InspectionEvent
        {
            .name(
                NameObservation(time: time, proto: proto, name: text, flow: flow, echPresent: ech, httpMethod: method)
            )
        }
        func flowEvent(_ flow: FlowEndpoints, _ tunnel: TunnelSignature? = nil) -> InspectionEvent {
            .flow(FlowObservation(time: time, flow: flow, tunnel: tunnel))
        }
        let google = IPAddress(text: "8.8.8.8")!
        let other = IPAddress(text: "203.0.113.7")!
        var judge = try Self.judge()
        let events = run(
            &judge,
            [
                name(.dns, "www.bbc.co.uk", Self.flow(.udp, server: google, port: 53)),
                // The school's resolver, and the school's resolver forwarding upstream: no bypass.
                name(.dns, "www.bbc.co.uk", Self.flow(.udp, server: Self.resolver, port: 53)),
                name(.dns, "www.bbc.co.uk", Self.flow(.udp, server: google, port: 53, client: Self.resolver)),
                flowEvent(Self.flow(.tcp, server: other, port: 853)),
                flowEvent(Self.flow(.udp, server: other, port: 853)),
                name(.tls, "dns.google", Self.flow(server: google)),
                flowEvent(Self.flow(.tcp, server: google, port: 443)),
                name(.http, "mozilla.cloudflare-dns.com", Self.flow(port: 80)),
                name(.tls, "cloudflare-ech.com", Self.flow(), ech: true),
                name(.quic, "public.example", Self.flow(.udp), ech: true),
                flowEvent(Self.flow(.udp, server: other, port: 51_820), .wireguard),
                flowEvent(Self.flow(.udp, server: other, port: 1194), .openvpn),
                flowEvent(Self.flow(.udp, server: other, port: 500), .ike),
                flowEvent(Self.flow(.tcp, server: other, port: 9001), .tor),
                flowEvent(Self.flow(.tcp, server: IPAddress(text: "198.51.100.9")!, port: 9001)),
                name(.http, "www.youtube.com", Self.flow(server: other, port: 3128), method: "CONNECT"),
                name(.http, "www.youtube.com", Self.flow(server: Self.blockPage, port: 3128), method: "CONNECT"),
            ]
        )
        #expect(
            events.map { "\($0.kind.rawValue) \($0.subject): \($0.evidence)" } == [
                "bypass_dns_resolver 8.8.8.8: DNS query for www.bbc.co.uk to 8.8.8.8:53/udp, not a school resolver",
                "bypass_dot 203.0.113.7:853/tcp: DNS-over-TLS to 203.0.113.7:853/tcp",
                "bypass_dot 203.0.113.7:853/udp: DNS-over-QUIC to 203.0.113.7:853/udp",
                "bypass_doh dns.google: TLS SNI dns.google is a DNS-over-HTTPS service, to 8.8.8.8:443",
                "bypass_doh 8.8.8.8:443/tcp: TLS to 8.8.8.8:443/tcp, a public DoH resolver address",
                "bypass_doh mozilla.cloudflare-dns.com: HTTP Host mozilla.cloudflare-dns.com is a DNS-over-HTTPS service, to 93.184.216.34:80",
                "bypass_ech cloudflare-ech.com: TLS ClientHello with encrypted_client_hello, outer SNI cloudflare-ech.com, to 93.184.216.34:443",
                "bypass_ech public.example: QUIC ClientHello with encrypted_client_hello, outer SNI public.example, to 93.184.216.34:443",
                "bypass_vpn 203.0.113.7:51820/udp: WireGuard handshake to 203.0.113.7:51820/udp",
                "bypass_vpn 203.0.113.7:1194/udp: OpenVPN handshake to 203.0.113.7:1194/udp",
                "bypass_vpn 203.0.113.7:500/udp: IKE (IPsec VPN) exchange to 203.0.113.7:500/udp",
                "bypass_tor 203.0.113.7:9001/tcp: Tor handshake to 203.0.113.7:9001/tcp",
                "bypass_tor 198.51.100.9:9001/tcp: connection to 198.51.100.9:9001/tcp, a listed Tor relay",
                "bypass_proxy www.youtube.com: HTTP CONNECT www.youtube.com via 203.0.113.7:3128, not the school's proxy",
            ]
        )
        #expect(events.allSatisfy { $0.severity == .warning })
    }

    @Test func debounceOneEventPerWindowWithSuppressedCount() throws {
        var judge = try Self.judge(debounce: 600)
        let leak = NameOutcome.serverAnswered
        let events = run(
            &judge,
            [
                Self.outcome(.tls, "adult.example", leak, at: 1000),
                Self.outcome(.tls, "adult.example", leak, at: 1100),
                Self.outcome(.tls, "adult.example", leak, at: 1599),
                Self.outcome(.quic, "adult.example", leak, at: 1599),  // another method: its own key
                Self.outcome(.tls, "adult.example", leak, at: 1600),
            ]
        )
        #expect(events.map(\.suppressed) == [0, 0, 2])
        #expect(events.map(\.method) == [.tlsHandshake, .quicHandshake, .tlsHandshake])
        #expect(events[0].id != events[2].id)
        // Counters count every occurrence, including the suppressed ones.
        #expect(judge.counters.leaks["adult"] == [.tlsHandshake: 4, .quicHandshake: 1])
    }

    @Test func pseudonymsAreStablePerKeyAndDifferAcrossKeys() {
        let first = ClientPseudonymizer(key: Array(repeating: 1, count: 32))
        let again = ClientPseudonymizer(key: Array(repeating: 1, count: 32))
        let other = ClientPseudonymizer(key: Array(repeating: 2, count: 32))
        let pseudonym = first.identifier(for: Self.client)
        #expect(pseudonym.hasPrefix("c-") && pseudonym.count == 14)
        #expect(pseudonym.dropFirst(2).allSatisfy { $0.isHexDigit && !$0.isUppercase })
        #expect(again.identifier(for: Self.client) == pseudonym)
        #expect(other.identifier(for: Self.client) != pseudonym)
        #expect(first.identifier(for: Self.resolver) != pseudonym)
        #expect(ClientPseudonymizer.keepingAddresses.identifier(for: Self.client) == "10.1.2.3")
        #expect(ClientPseudonymizer.generateKey().count == 32)
        #expect(ClientPseudonymizer.generateKey() != ClientPseudonymizer.generateKey())
    }

    @Test func eventJSONIsExact() throws {
        let key = Array(repeating: UInt8(7), count: 32)
        var judge = try Self.judge(pseudonymizer: ClientPseudonymizer(key: key))
        let events = run(&judge, [Self.outcome(.tls, "www.adult.example", .serverAnswered)])
        let event = try #require(events.first)
        let client = ClientPseudonymizer(key: key).identifier(for: Self.client)
        #expect(event.id.count == 32)
        #expect(
            event.jsonLine
                == #"{"ts":1700000000.000000000,"id":"\#(event.id)","site":"st-marys","kind":"filter_leak","severity":"error","subject":"www.adult.example","category":"adult","method":"tls_handshake","protocol":"tls","client":"\#(client)","server":"93.184.216.34","server_port":443,"evidence":"TLS handshake answered by 93.184.216.34:443 (listed: adult.example in adult)","suppressed":0}"#
        )
        // Judging the same traffic again gives the same id (collectors drop duplicates by it).
        var again = try Self.judge(pseudonymizer: ClientPseudonymizer(key: key))
        #expect(run(&again, [Self.outcome(.tls, "www.adult.example", .serverAnswered)]).first?.id == event.id)
    }

    @Test func metricNamesAndLabels() throws {
        var judge = try Self.judge()
        let time = PacketTime(seconds: 1, nanoseconds: 0)
        _ = run(
            &judge,
            [
                .name(
                    NameObservation(
                        time: time,
                        proto: .dns,
                        name: "www.games.example",
                        flow: Self.flow(.udp, server: Self.resolver, port: 53)
                    )
                ),
                .name(NameObservation(time: time, proto: .tls, name: "adult.example", flow: Self.flow())),
                Self.outcome(.tls, "adult.example", .serverAnswered),
                Self.outcome(.dns, "adult.example", Self.dns(3, []), server: Self.resolver, port: 53),
                .flow(FlowObservation(time: time, flow: Self.flow(.udp, port: 51_820), tunnel: .wireguard)),
            ]
        )
        let counters = judge.counters
        #expect(counters.leaks == ["adult": [.tlsHandshake: 1]])
        #expect(counters.blocked == ["adult": 1])
        #expect(counters.bypasses == [.vpn: 1])
        #expect(counters.names == [.dns: 1, .tls: 1])
        #expect(counters.categoryNames == ["adult": 1, "games": 1])
    }

    @Test func reloadAppliesFromTheNextEvent() throws {
        var judge = try Self.judge()
        var builder = try CategoryMatcherBuilder(categories: [FilterCategory(name: "adult", policy: .mustBlock)])
        builder.add(domain: "newly-listed.example", category: 0)
        judge.categories.replace(with: try builder.build())
        let events = run(
            &judge,
            [
                Self.outcome(.tls, "newly-listed.example", .serverAnswered),
                Self.outcome(.tls, "adult.example", .serverAnswered),
            ]
        )
        #expect(events.map(\.subject) == ["newly-listed.example"])
    }

    @Test func addressTextAndRoutability() {
        #expect(IPAddress(text: "2606:4700:4700::1111")?.description == "2606:4700:4700::1111")
        #expect(IPAddress(text: "::ffff:192.0.2.1")?.description == "::ffff:192.0.2.1")
        #expect(IPAddress(text: "1:2:3:4:5:6:7:8")?.description == "1:2:3:4:5:6:7:8")
        for bad in ["1.2.3", "256.1.1.1", "1::2::3", "1:2:3:4:5:6:7:8:9", ":1", "1:", "x.example"] {
            #expect(IPAddress(text: bad) == nil, "\(bad)")
        }
        for unroutable in [
            "10.1.1.1", "172.16.0.1", "192.168.1.1", "127.0.0.1", "0.0.0.0", "100.64.0.1", "::", "::1", "fd00::1",
            "fe80::1",
        ] {
            #expect(IPAddress(text: unroutable)?.isGloballyRoutable == false, "\(unroutable)")
        }
        #expect(IPAddress(text: "93.184.216.34")?.isGloballyRoutable == true)
        #expect(IPAddress(text: "2001:db8::1")?.isGloballyRoutable == true)
        var list = AddressList()
        list.add(contents: Array("# c\n8.8.8.8\n\n2001:4860:4860::8888 # g\nnot-an-address\n".utf8), fileName: "r.txt")
        #expect(list.addresses.count == 2 && list.invalid == 1)
        #expect(list.problems == ["r.txt:5: `not-an-address`: not an IPv4 or IPv6 address"])
    }
}
