// Active probe families. Names mirror blackbox_exporter where it has one, so its dashboards
// and alert rules apply; ours are prefixed `netwarden_`.
extension MetricFamily {
    public static let probeSuccess = MetricFamily(
        "probe_success",
        .gauge,
        help: "Whether the last run of the probe succeeded (1) or failed (0)."
    )
    public static let probeFailures = MetricFamily(
        "netwarden_probe_failures_total",
        .counter,
        help: "Failed probe runs since start, by reason."
    )
    public static let probeRuns = MetricFamily(
        "netwarden_probe_runs_total",
        .counter,
        help: "Probe runs since start."
    )
    public static let probeDuration = MetricFamily(
        "probe_duration_seconds",
        .gauge,
        unit: "seconds",
        help: "How long the last run of the probe took, resolution included."
    )
    public static let icmpSent = MetricFamily(
        "netwarden_icmp_sent",
        .gauge,
        help: "Echo requests sent in the last burst."
    )
    public static let icmpReceived = MetricFamily(
        "netwarden_icmp_received",
        .gauge,
        help: "Echo replies received in the last burst."
    )
    public static let icmpLossRatio = MetricFamily(
        "netwarden_icmp_loss_ratio",
        .gauge,
        unit: "ratio",
        help: "Share of echo requests in the last burst that got no reply."
    )
    public static let icmpDuplicates = MetricFamily(
        "netwarden_icmp_duplicates",
        .gauge,
        help: "Duplicate echo replies in the last burst."
    )
    public static let icmpReordered = MetricFamily(
        "netwarden_icmp_reordered",
        .gauge,
        help: "Echo replies that arrived out of order in the last burst."
    )
    public static let icmpRTT = MetricFamily(
        "netwarden_icmp_rtt_seconds",
        .gauge,
        unit: "seconds",
        help: "Round-trip time of the last burst, by statistic (min, avg, median, max, stddev)."
    )
    public static let icmpJitter = MetricFamily(
        "netwarden_icmp_jitter_seconds",
        .gauge,
        unit: "seconds",
        help: "Mean difference between consecutive round-trip times in the last burst (RFC 3550 style)."
    )
    public static let icmpReplyHopLimit = MetricFamily(
        "probe_icmp_reply_hop_limit",
        .gauge,
        help: "TTL or hop limit of the echo replies."
    )
    public static let tcpConnect = MetricFamily(
        "netwarden_tcp_connect_seconds",
        .gauge,
        unit: "seconds",
        help: "Time to complete the TCP handshake."
    )
    public static let httpDuration = MetricFamily(
        "probe_http_duration_seconds",
        .gauge,
        unit: "seconds",
        help: "Duration of each phase of the HTTP request (resolve, connect, tls, processing, transfer)."
    )
    public static let httpStatusCode = MetricFamily(
        "probe_http_status_code",
        .gauge,
        help: "HTTP status code of the final response."
    )
    public static let httpRedirects = MetricFamily(
        "probe_http_redirects",
        .gauge,
        help: "Redirects followed."
    )
    public static let httpContentLength = MetricFamily(
        "probe_http_content_length",
        .gauge,
        help: "Bytes of response body received."
    )
    public static let httpSSL = MetricFamily(
        "probe_http_ssl",
        .gauge,
        help: "Whether the final response came over TLS."
    )
    public static let tlsVersionInfo = MetricFamily(
        "probe_tls_version_info",
        .info,
        help: "TLS version the probe negotiated."
    )
    public static let sslEarliestCertExpiry = MetricFamily(
        "probe_ssl_earliest_cert_expiry",
        .gauge,
        help: "Unix time at which the first certificate in the chain expires."
    )
    public static let dnsLookupTime = MetricFamily(
        "probe_dns_lookup_time_seconds",
        .gauge,
        unit: "seconds",
        help: "Time the DNS exchange took."
    )
    public static let dnsRcode = MetricFamily(
        "netwarden_dns_rcode_info",
        .info,
        help: "Response code of the last DNS answer."
    )
    public static let dnsAnswerRRs = MetricFamily(
        "probe_dns_answer_rrs",
        .gauge,
        help: "Records in the answer section."
    )

    static let probeFamilies: [MetricFamily] = [
        probeSuccess, probeFailures, probeRuns, probeDuration, icmpSent, icmpReceived, icmpLossRatio, icmpDuplicates,
        icmpReordered, icmpRTT, icmpJitter, icmpReplyHopLimit, tcpConnect, httpDuration, httpStatusCode, httpRedirects,
        httpContentLength, httpSSL, tlsVersionInfo, sslEarliestCertExpiry, dnsLookupTime, dnsRcode, dnsAnswerRRs,
    ]
}
