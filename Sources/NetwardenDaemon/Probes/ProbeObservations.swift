import NetwardenCore
import NetwardenHTTP
import NetwardenPlatform
import NetwardenTelemetry

/// A probe outcome as observations of the probe families (blackbox_exporter's names where it
/// has one). `probe_success` carries no reason label: why a probe failed is the separate
/// counter `netwarden_probe_failures_total{reason}`, so /metrics never keeps a stale
/// `reason="timeout"` series after the probe recovers.
extension ProbeOutcome {
    /// The probe's own labels, shared by its outcome series and its counters.
    public static func labels(of spec: ProbeSpec) -> [Label] {
        [Label("probe", spec.name), Label("kind", spec.kind.rawValue), Label("target", spec.target)]
            + spec.labels.map { Label($0.0, $0.1) }
    }

    public var observations: [Observation] {
        var list = ObservationList(common: Self.labels(of: spec))
        list.add(.probeSuccess, success)
        list.add(.probeDuration, durationSeconds)
        switch details {
        case .icmp(let burst, _):
            list.add(.icmpSent, burst.sent)
            list.add(.icmpReceived, burst.received)
            list.add(.icmpLossRatio, burst.lossRatio)
            list.add(.icmpDuplicates, burst.duplicates)
            list.add(.icmpReordered, burst.reordered)
            if let stats = burst.statistics {
                for (stat, value) in [
                    ("min", stats.minimum), ("avg", stats.average), ("median", stats.median), ("max", stats.maximum),
                    ("stddev", stats.standardDeviation),
                ] {
                    list.add(.icmpRTT, value, [Label("stat", stat)])
                }
                list.add(.icmpJitter, stats.jitter)
            }
            if let ttl = burst.replyTTL { list.add(.icmpReplyHopLimit, Int(ttl)) }
        case .tcp(let result, _):
            if let seconds = result.connectSeconds { list.add(.tcpConnect, seconds) }
        case .http(let result):
            if let phases = result.phases {
                for (phase, seconds) in phases.labelled {
                    list.add(.httpDuration, seconds, [Label("phase", phase)])
                }
            }
            if let status = result.statusCode { list.add(.httpStatusCode, status) }
            list.add(.httpRedirects, result.redirects)
            list.add(.httpContentLength, Double(result.bodyBytes))
            list.add(.httpSSL, result.tlsVersion != nil)
            if let version = result.tlsVersion { list.add(.tlsVersionInfo, 1, [Label("version", version)]) }
            if let expiry = result.certificateExpiry { list.add(.sslEarliestCertExpiry, Double(expiry)) }
        case .dns(let result):
            if let seconds = result.lookupSeconds { list.add(.dnsLookupTime, seconds) }
            if let rcode = result.rcode { list.add(.dnsRcode, 1, [Label("rcode", rcode)]) }
            list.add(.dnsAnswerRRs, result.answers.count)
        case .none:
            break
        }
        return list.items
    }
}
