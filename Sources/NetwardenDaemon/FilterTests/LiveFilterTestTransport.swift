import NetwardenCore
import NetwardenFiltering
import NetwardenHTTP
import NetwardenPlatform
import NetwardenProtocols

/// The filter-test steps over real sockets: DNS to the school's resolver (DNSExchange), a TCP
/// handshake (TCPConnectProbe), HTTP(S) through libcurl pinned to the resolver's answer
/// (CanaryFetch), each bound to the vantage's interface and source address.
public struct LiveFilterTestTransport: FilterTestTransport {
    public var resolver: String
    public var timeout: Duration
    public var caFile: String?
    public var filterCAFile: String?

    public init(resolver: String, timeout: Duration, caFile: String? = nil, filterCAFile: String? = nil) {
        self.resolver = resolver
        self.timeout = timeout
        self.caFile = caFile
        self.filterCAFile = filterCAFile
    }

    private func source(_ vantage: FilterTestsSection.Vantage) -> SocketAddress? {
        vantage.sourceAddress.flatMap { SocketAddress(numeric: $0, port: 0) }
    }

    public func resolve(_ name: String, ipv6: Bool, from vantage: FilterTestsSection.Vantage) -> DNSLookup {
        guard let server = SocketAddress(numeric: resolver, port: 53) else {
            return DNSLookup(rcode: nil, failure: "`\(resolver)` is not a numeric resolver address")
        }
        let result = DNSExchange(
            server: server,
            name: name,
            type: ipv6 ? .aaaa : .a,
            timeout: timeout,
            interface: vantage.interface,
            source: source(vantage)
        ).run()
        var lookup = DNSLookup(rcode: result.rcode)
        for answer in result.answers {
            if answer.hasPrefix("CNAME ") {
                lookup.cnames.append(String(answer.dropFirst(6)))
            } else if IPAddress(text: answer) != nil {
                lookup.addresses.append(answer)
            }
        }
        if result.rcode == nil {
            lookup.failure = "\(result.failure?.rawValue ?? "error"): \(result.failureDetail ?? "")"
        }
        return lookup
    }

    public func connect(address: String, port: Int, from vantage: FilterTestsSection.Vantage) -> ConnectOutcome {
        guard let destination = SocketAddress(numeric: address, port: UInt16(clamping: port)) else {
            return .error("`\(address)` is not a numeric address")
        }
        let result = TCPConnectProbe(
            destination: destination,
            timeout: timeout,
            interface: vantage.interface,
            source: source(vantage)
        ).run()
        guard let failure = result.failure else { return .connected }
        let detail = result.failureDetail ?? failure.rawValue
        switch failure {
        case .refused: return .refused(detail)
        case .timeout: return .timeout(detail)
        case .unreachable: return .unreachable(detail)
        default: return .error(detail)
        }
    }

    public func fetch(_ url: CanaryURL, address: String, from vantage: FilterTestsSection.Vantage) -> FetchOutcome {
        let result = CanaryFetch(
            url: url.text,
            host: url.host,
            port: url.port,
            address: address,
            timeout: timeout,
            interface: vantage.interface,
            sourceAddress: vantage.sourceAddress,
            caFile: caFile,
            filterCAFile: filterCAFile
        ).run()
        var outcome = FetchOutcome(
            status: result.status,
            location: result.location,
            body: result.body,
            tlsTrust: result.trust.flatMap { TLSTrust(rawValue: $0.rawValue) },
            tlsIssuer: result.issuer,
            detail: result.detail
        )
        switch result.failure {
        case nil: break
        case .tlsReset: outcome.failure = .tlsReset
        case .tlsTimeout: outcome.failure = .tlsTimeout
        case .httpReset: outcome.failure = .httpReset
        case .httpTimeout: outcome.failure = .httpTimeout
        case .other: outcome.failure = .other
        }
        return outcome
    }

    public func probeBypass(
        _ target: FilterTestsSection.Bypass,
        from vantage: FilterTestsSection.Vantage
    ) -> BypassOutcome {
        guard let destination = SocketAddress(numeric: target.address, port: UInt16(clamping: target.port)) else {
            return .error("`\(target.address)` is not a numeric address")
        }
        switch target.probe {
        case .tcp:
            switch connect(address: target.address, port: target.port, from: vantage) {
            case .connected: return .reachable("TCP handshake completed")
            case .refused(let detail), .timeout(let detail), .unreachable(let detail): return .blocked(detail)
            case .error(let detail): return .error(detail)
            }
        case .dns:
            let result = DNSExchange(
                server: destination,
                name: "example.com",
                type: .a,
                timeout: timeout,
                interface: vantage.interface,
                source: source(vantage)
            ).run()
            if let rcode = result.rcode { return .reachable("answered \(rcode)") }
            let detail = result.failureDetail ?? "no answer"
            switch result.failure {
            case .timeout?, .refused?, .unreachable?: return .blocked(detail)
            default: return .error(detail)
            }
        case .quic, .openvpn, .ike:
            let payload =
                switch target.probe {
                case .openvpn: UDPReplyProbe.Payload.openVPNHardReset()
                case .ike: UDPReplyProbe.Payload.ikeSAInit()
                default: UDPReplyProbe.Payload.quicVersionNegotiation()
                }
            let result = UDPReplyProbe(
                payload: payload,
                destination: destination,
                timeout: timeout,
                interface: vantage.interface,
                source: source(vantage)
            ).run()
            if result.answered { return .reachable("\(target.probe.rawValue) server answered over UDP") }
            let detail = result.failureDetail ?? "no answer"
            switch result.failure {
            case .timeout?, .refused?, .unreachable?: return .blocked(detail)
            default: return .error(detail)
            }
        }
    }
}
