import NetwardenCore

/// The DNS probe. Placeholder until the shared DNS message code (NetwardenProtocols/DNS) lands;
/// it reports a clear failure rather than a fake result.
enum DNSProbe {
    static func run(_ spec: ProbeSpec) -> ProbeOutcome {
        ProbeRunner.failed(spec, .error, "DNS probes are not available in this build yet")
    }
}
