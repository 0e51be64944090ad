import NetwardenCompliance

extension ComplianceChain {
    /// One check as a record: when, where from, what, the result, how it was judged, the evidence.
    /// The keys and their order are ``ComplianceChain/fieldNames``: the collector rebuilds the
    /// sealed line from them to verify what it received.
    public static func record(
        _ result: FilterCheckResult,
        runID: String,
        time: String,
        site: String
    ) -> [(String, String)] {
        [
            ("time", time), ("run", runID), ("site", site), ("vantage", result.vantage),
            ("check", result.name), ("kind", result.kind.rawValue), ("category", result.category),
            ("target", result.target), ("expect", result.expect), ("status", result.status.rawValue),
            ("blocked_by", result.blockedBy?.rawValue ?? ""),
            ("method", method(for: result.kind)),
            ("evidence", result.evidence.joined(separator: " | ")),
        ]
    }

    /// How a kind of check is judged, written into every record so the log explains itself.
    public static func method(for kind: FilterCheckResult.Kind) -> String {
        switch kind {
        case .canary:
            "DNS -> TCP -> TLS -> HTTP through the school resolver with a control over the same vantage; "
                + "control failure is inconclusive"
        case .safeSearch: "A and AAAA of the public name must be a CNAME for, or the addresses of, the enforced name"
        case .bypass: "a TCP handshake, DNS answer or QUIC version negotiation from outside means reachable"
        case .tlsInterception: "issuer of the served certificate against public CAs and the configured filter CA"
        }
    }
}
