import NetwardenCore

/// What one DNS query saw. Filled by the DNS probe once the shared DNS message code lands.
public struct DNSProbeResult: Sendable {
    public var resolver: String
    public var rcode: String?
    public var lookupSeconds: Double?
    public var answers: [String] = []
    public var truncatedRetriedOverTCP = false

    public init(resolver: String) { self.resolver = resolver }

    var reportFields: [ReportField] {
        [
            ReportField("resolver", .string(resolver)),
            ReportField("rcode", rcode.map { .string($0) } ?? .null),
            ReportField("lookup_seconds", lookupSeconds.map { .number($0) } ?? .null),
            ReportField("answers", .array(answers.map { .string($0) })),
            ReportField("tcp_fallback", .bool(truncatedRetriedOverTCP)),
        ]
    }
}
