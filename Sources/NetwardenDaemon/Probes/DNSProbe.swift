import NetwardenCore
import NetwardenPlatform
import NetwardenProtocols

/// The DNS probe: one question to one resolver (UDP, TCP on truncation), on the DNS message code
/// shared with passive capture.
enum DNSProbe {
    static func run(_ spec: ProbeSpec) -> ProbeOutcome {
        guard let resolverText = spec.resolver ?? SystemResolvers.first() else {
            return ProbeRunner.failed(spec, .error, "no resolver given and none in /etc/resolv.conf")
        }
        guard var server = SocketAddress(numeric: resolverText) else {
            return ProbeRunner.failed(spec, .error, "resolver '\(resolverText)' is not a numeric address")
        }
        server.port = spec.port == 443 ? 53 : spec.port  // 443 is ProbeSpec's TCP default, not DNS's
        guard let type = DNSRecordType(name: spec.queryType) else {
            return ProbeRunner.failed(spec, .error, "unknown query type '\(spec.queryType)'")
        }
        let source: SocketAddress?
        switch ProbeRunner.source(spec) {
        case .success(let address): source = address
        case .failure(let early): return early.outcome
        }
        let exchange = DNSExchange(
            server: server,
            name: spec.queryName,
            type: type,
            timeout: spec.timeout,
            interface: spec.interface,
            source: source
        ).run()
        var result = DNSProbeResult(resolver: server.description)
        result.rcode = exchange.rcode
        result.lookupSeconds = exchange.lookupSeconds
        result.answers = exchange.answers
        result.truncatedRetriedOverTCP = exchange.retriedOverTCP
        return ProbeOutcome(
            spec: spec,
            success: exchange.failure == nil,
            reason: exchange.failure,
            detail: exchange.failureDetail,
            durationSeconds: 0,
            details: .dns(result)
        )
    }
}

extension DNSRecordType {
    /// From the names the config and CLI accept (A, AAAA, CNAME, ...).
    init?(name: String) {
        switch name.uppercased() {
        case "A": self = .a
        case "AAAA": self = .aaaa
        case "CNAME": self = .cname
        case "TXT": self = .txt
        case "MX": self = .mx
        case "NS": self = .ns
        case "SOA": self = .soa
        case "HTTPS": self = .https
        case "SVCB": self = .svcb
        case "PTR": self = .ptr
        default: return nil
        }
    }
}
