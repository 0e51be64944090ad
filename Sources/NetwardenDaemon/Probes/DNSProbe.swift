import NetwardenCore
import NetwardenPlatform
import NetwardenProtocols

/// The DNS probe: one question to one resolver (UDP, TCP on truncation), on the DNS message code
/// shared with passive capture.
enum DNSProbe {
    static func run(_ spec: ProbeSpec, _ dns: ProbeSpec.DNS) -> ProbeOutcome {
        guard var server = SocketAddress(numeric: dns.resolver) else {
            return ProbeRunner.failed(spec, .error, "resolver '\(dns.resolver)' is not a numeric address")
        }
        server.port = dns.port
        let source: SocketAddress?
        switch ProbeRunner.source(spec) {
        case .success(let address): source = address
        case .failure(let early): return early.outcome
        }
        let exchange = DNSExchange(
            server: server,
            name: dns.query,
            type: DNSRecordType(dns.type),
            timeout: spec.timeout,
            interface: spec.interface,
            source: source
        ).run()
        // The resolver as the target label shows it, with the port when it is not 53.
        var result = DNSProbeResult(resolver: spec.target)
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
    /// The wire type for a name the config and CLI accept; a switch, not a raw-value lookup, so
    /// a type added to one enum and not the other fails to compile.
    init(_ name: DNSQueryTypeName) {
        switch name {
        case .a: self = .a
        case .aaaa: self = .aaaa
        case .cname: self = .cname
        case .txt: self = .txt
        case .mx: self = .mx
        case .ns: self = .ns
        case .soa: self = .soa
        case .ptr: self = .ptr
        case .https: self = .https
        case .svcb: self = .svcb
        }
    }
}
