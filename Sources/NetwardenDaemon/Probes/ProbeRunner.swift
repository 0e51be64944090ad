import NetwardenCore
import NetwardenHTTP
import NetwardenPlatform

/// Runs one probe once. Shared by the scheduler (the daemon) and `netwarden probe` (the CLI), so
/// a technician's one-shot run measures exactly what the daemon measures.
public struct ProbeRunner: Sendable {
    public init() {}

    public func run(_ spec: ProbeSpec) async -> ProbeOutcome {
        let start = MonotonicClock.nanoseconds()
        var outcome = await BlockingWork.run("probe-\(spec.name)") { Self.runBlocking(spec) }
        outcome.durationSeconds = Double(MonotonicClock.nanoseconds() - start) / 1e9
        return outcome
    }

    /// The whole probe on the calling thread (resolution included: getaddrinfo blocks too).
    static func runBlocking(_ spec: ProbeSpec) -> ProbeOutcome {
        switch spec.options {
        case .icmp(let icmp): runICMP(spec, icmp)
        case .tcp(let tcp): runTCP(spec, tcp)
        case .http(let http): runHTTP(spec, http)
        case .dns(let dns): DNSProbe.run(spec, dns)
        }
    }

    static func failed(_ spec: ProbeSpec, _ reason: ProbeFailureReason, _ detail: String) -> ProbeOutcome {
        ProbeOutcome(spec: spec, success: false, reason: reason, detail: detail, durationSeconds: 0, details: .none)
    }

    /// Resolves the target honouring the IP preference; the first address is probed.
    static func resolve(_ spec: ProbeSpec, host: String) -> Result<SocketAddress, EarlyFailure> {
        if host == ProbeSpec.defaultGatewayTarget {
            // The next hop of the default route (on the probe's interface, if it is bound), read
            // fresh each run so a failover to a backup line is followed.
            let routes = LinkReader().defaultRoutes().filter { spec.interface == nil || $0.interface == spec.interface }
            guard let hop = routes.compactMap(\.gateway).first, let address = SocketAddress(numeric: hop) else {
                let scope = spec.interface.map { " on \($0)" } ?? ""
                return .failure(
                    EarlyFailure(outcome: failed(spec, .unreachable, "no default route with a gateway\(scope)"))
                )
            }
            return .success(address)
        }
        switch AddressResolver.resolve(host, preference: spec.ipPreference) {
        case .success(let addresses): return .success(addresses[0])
        case .failure(let failure): return .failure(EarlyFailure(outcome: failed(spec, .dnsError, failure.description)))
        }
    }

    static func source(_ spec: ProbeSpec) -> Result<SocketAddress?, EarlyFailure> {
        guard let text = spec.sourceAddress else { return .success(nil) }
        guard let address = SocketAddress(numeric: text) else {
            return .failure(
                EarlyFailure(
                    outcome: failed(spec, .badSource, "source address '\(text)' is not a numeric IPv4/IPv6 address")
                )
            )
        }
        return .success(address)
    }

    private static func runICMP(_ spec: ProbeSpec, _ icmp: ProbeSpec.ICMP) -> ProbeOutcome {
        let destination: SocketAddress
        let sourceAddress: SocketAddress?
        switch resolve(spec, host: icmp.host) {
        case .success(let address): destination = address
        case .failure(let early): return early.outcome
        }
        switch source(spec) {
        case .success(let address): sourceAddress = address
        case .failure(let early): return early.outcome
        }
        let burst = ICMPBurst(
            destination: destination,
            count: icmp.count,
            spacing: icmp.spacing,
            timeout: spec.timeout,
            interface: spec.interface,
            source: sourceAddress,
            payloadSize: icmp.payloadSize,
            limit: icmp.burstLimit
        ).run()
        return ProbeOutcome(
            spec: spec,
            success: burst.received > 0,
            reason: burst.failure,
            detail: burst.failureDetail,
            durationSeconds: 0,
            details: .icmp(burst, address: destination.description)
        )
    }

    private static func runTCP(_ spec: ProbeSpec, _ tcp: ProbeSpec.TCP) -> ProbeOutcome {
        var destination: SocketAddress
        let sourceAddress: SocketAddress?
        switch resolve(spec, host: tcp.host) {
        case .success(let address): destination = address
        case .failure(let early): return early.outcome
        }
        switch source(spec) {
        case .success(let address): sourceAddress = address
        case .failure(let early): return early.outcome
        }
        destination.port = tcp.port
        let result = TCPConnectProbe(
            destination: destination,
            timeout: spec.timeout,
            interface: spec.interface,
            source: sourceAddress
        ).run()
        return ProbeOutcome(
            spec: spec,
            success: result.failure == nil,
            reason: result.failure,
            detail: result.failureDetail,
            durationSeconds: 0,
            details: .tcp(result, address: destination.description)
        )
    }

    private static func runHTTP(_ spec: ProbeSpec, _ http: ProbeSpec.HTTP) -> ProbeOutcome {
        let probe = HTTPProbe(
            url: http.url,
            timeout: spec.timeout,
            interface: spec.interface,
            sourceAddress: spec.sourceAddress,
            ipPreference: spec.ipPreference,
            followRedirects: http.followRedirects,
            acceptedStatuses: http.expectStatus,
            bodyMustContain: http.bodyMustContain,
            caFile: http.caFile,
            verifyTLS: http.verifyTLS
        )
        let result = probe.run()
        return ProbeOutcome(
            spec: spec,
            success: result.success,
            reason: result.failure,
            detail: result.failureDetail,
            durationSeconds: 0,
            details: .http(result)
        )
    }
}

/// A probe that ended before it could send anything; carries the failed outcome.
struct EarlyFailure: Error {
    var outcome: ProbeOutcome
}
