import NetwardenCore
import NetwardenHTTP
import NetwardenPlatform

/// Turns a probe outcome into samples, mirroring blackbox_exporter's names where it has one
/// (`probe_success`, `probe_duration_seconds`, `probe_http_duration_seconds{phase}`,
/// `probe_dns_lookup_time_seconds`, ...) and `netwarden_` names where ours differ (bursts).
extension ProbeOutcome {
    public func samples(identity: [(String, String)], timestampMilliseconds: Int64) -> [MetricSample] {
        let base =
            identity + [("probe", spec.name), ("kind", spec.kind.rawValue), ("target", spec.target)] + spec.labels
        var out: [MetricSample] = []
        func add(_ name: String, _ value: Double, _ extra: [(String, String)] = []) {
            out.append(
                MetricSample(
                    name: name,
                    labels: base + extra,
                    value: value,
                    timestampMilliseconds: timestampMilliseconds
                )
            )
        }
        // The reason label says why a probe failed ("ok" when it did not), so one alert rule can
        // group failures by cause.
        add("probe_success", success ? 1 : 0, [("reason", reason?.rawValue ?? "ok")])
        add("probe_duration_seconds", durationSeconds)
        switch details {
        case .icmp(let burst, _):
            add("netwarden_icmp_sent", Double(burst.sent))
            add("netwarden_icmp_received", Double(burst.received))
            add("netwarden_icmp_loss_ratio", burst.lossRatio)
            add("netwarden_icmp_duplicates", Double(burst.duplicates))
            add("netwarden_icmp_reordered", Double(burst.reordered))
            if let stats = burst.statistics {
                for (stat, value) in [
                    ("min", stats.minimum), ("avg", stats.average), ("median", stats.median), ("max", stats.maximum),
                    ("stddev", stats.standardDeviation),
                ] {
                    add("netwarden_icmp_rtt_seconds", value, [("stat", stat)])
                }
                add("netwarden_icmp_jitter_seconds", stats.jitter)
            }
            if let ttl = burst.replyTTL { add("probe_icmp_reply_hop_limit", Double(ttl)) }
        case .tcp(let result, _):
            if let seconds = result.connectSeconds { add("netwarden_tcp_connect_seconds", seconds) }
        case .http(let result):
            if let phases = result.phases {
                for (phase, seconds) in phases.labelled {
                    add("probe_http_duration_seconds", seconds, [("phase", phase)])
                }
            }
            if let status = result.statusCode { add("probe_http_status_code", Double(status)) }
            add("probe_http_redirects", Double(result.redirects))
            add("probe_http_content_length", Double(result.bodyBytes))
            add("probe_http_ssl", result.tlsVersion == nil ? 0 : 1)
            if let version = result.tlsVersion { add("probe_tls_version_info", 1, [("version", version)]) }
            if let expiry = result.certificateExpiry { add("probe_ssl_earliest_cert_expiry", Double(expiry)) }
        case .dns(let result):
            if let seconds = result.lookupSeconds { add("probe_dns_lookup_time_seconds", seconds) }
            if let rcode = result.rcode { add("netwarden_dns_rcode", 1, [("rcode", rcode)]) }
            add("probe_dns_answer_rrs", Double(result.answers.count))
        case .none:
            break
        }
        return out
    }
}
