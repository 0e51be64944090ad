import NetwardenCore
import NetwardenHTTP
import NetwardenPlatform

/// What one run of one probe found: success or the reason it failed, kind-specific details,
/// and the metric samples and report built from them.
public struct ProbeOutcome: Sendable {
    public enum Details: Sendable {
        case icmp(ICMPBurst.Result, address: String)
        case tcp(TCPConnectProbe.Result, address: String)
        case http(HTTPProbe.Result)
        case dns(DNSProbeResult)
        /// The probe could not start (resolution failed, bad source address, ...).
        case none
    }

    public var spec: ProbeSpec
    public var success: Bool
    public var reason: ProbeFailureReason?
    public var detail: String?
    /// Wall time the probe took, from the monotonic clock, including resolution.
    public var durationSeconds: Double
    public var details: Details

    /// The one-shot report (`netwarden probe ...`): same fields in text and JSON.
    public var report: ReportValue {
        var fields: [ReportField] = [
            ReportField("probe", .string(spec.name)),
            ReportField("kind", .string(spec.kind.rawValue)),
            ReportField("target", .string(spec.target)),
            ReportField("success", .bool(success)),
            ReportField("reason", reason.map { .string($0.rawValue) } ?? .null),
        ]
        if let detail { fields.append(ReportField("detail", .string(detail))) }
        fields.append(ReportField("duration_seconds", .number(durationSeconds)))
        if let interface = spec.interface { fields.append(ReportField("interface", .string(interface))) }
        switch details {
        case .icmp(let burst, let address):
            fields.append(ReportField("address", .string(address)))
            fields.append(ReportField("socket", burst.socketKind.map { .string($0.rawValue) } ?? .null))
            fields.append(ReportField("identifier", .integer(Int(burst.identifier))))
            fields.append(ReportField("sent", .integer(burst.sent)))
            fields.append(ReportField("received", .integer(burst.received)))
            fields.append(ReportField("loss_ratio", .number(burst.lossRatio)))
            fields.append(ReportField("duplicates", .integer(burst.duplicates)))
            fields.append(ReportField("reordered", .integer(burst.reordered)))
            fields.append(ReportField("late", .integer(burst.late)))
            fields.append(ReportField("reply_ttl", burst.replyTTL.map { .integer(Int($0)) } ?? .null))
            if let stats = burst.statistics {
                fields.append(
                    ReportField(
                        "rtt_seconds",
                        .object([
                            ReportField("min", .number(stats.minimum)), ReportField("avg", .number(stats.average)),
                            ReportField("median", .number(stats.median)), ReportField("max", .number(stats.maximum)),
                            ReportField("stddev", .number(stats.standardDeviation)),
                        ])
                    )
                )
                fields.append(ReportField("jitter_seconds", .number(stats.jitter)))
            } else {
                fields.append(ReportField("rtt_seconds", .null))
                fields.append(ReportField("jitter_seconds", .null))
            }
        case .tcp(let result, let address):
            fields.append(ReportField("address", .string(address)))
            if case .tcp(let tcp) = spec.options { fields.append(ReportField("port", .integer(Int(tcp.port)))) }
            fields.append(ReportField("connect_seconds", result.connectSeconds.map { .number($0) } ?? .null))
        case .http(let result):
            fields.append(ReportField("status_code", result.statusCode.map { .integer($0) } ?? .null))
            fields.append(ReportField("http_version", result.httpVersion.map { .string($0) } ?? .null))
            fields.append(ReportField("remote_address", result.remoteAddress.map { .string($0) } ?? .null))
            fields.append(ReportField("redirects", .integer(result.redirects)))
            fields.append(ReportField("tls_version", result.tlsVersion.map { .string($0) } ?? .null))
            fields.append(
                ReportField("certificate_expiry", result.certificateExpiry.map { .integer(Int($0)) } ?? .null)
            )
            fields.append(ReportField("body_bytes", .integer(Int(result.bodyBytes))))
            if let phases = result.phases {
                fields.append(
                    ReportField(
                        "phases_seconds",
                        .object(phases.labelled.map { ReportField($0.phase, .number($0.seconds)) })
                    )
                )
            }
        case .dns(let result):
            fields += result.reportFields
        case .none:
            break
        }
        return .object(fields)
    }
}
