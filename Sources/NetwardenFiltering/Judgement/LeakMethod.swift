/// Which exchange a leak or block was judged on; the `method` label of
/// `netwarden_filter_leaks_total` and the event's `method` field.
public enum LeakMethod: String, Hashable, Sendable, CaseIterable {
    case dnsAnswer = "dns_answer"
    case tlsHandshake = "tls_handshake"
    case quicHandshake = "quic_handshake"
    case httpResponse = "http_response"
}
