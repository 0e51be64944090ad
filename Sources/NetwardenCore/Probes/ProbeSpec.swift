/// One configured probe, resolved and ready to run: what to probe, how often, and from where.
public struct ProbeSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case icmp, dns, tcp, http
    }

    public enum IPPreference: String, Sendable, CaseIterable {
        case any, ipv4, ipv6
    }

    /// ICMP/TCP target meaning "the next hop of the default route", resolved at every run.
    public static let defaultGatewayTarget = "default-gateway"

    /// Name shown in logs and the `probe` label; unique per config.
    public var name: String
    public var kind: Kind
    /// Host name or address (ICMP/TCP/DNS), or URL (HTTP).
    public var target: String
    public var interval: Duration
    public var timeout: Duration
    public var interface: String?
    public var sourceAddress: String?
    public var ipPreference: IPPreference
    /// Extra labels from the config, appended after identity and probe labels.
    public var labels: [(String, String)]

    // ICMP
    public var count: Int
    public var spacing: Duration
    public var payloadSize: Int
    // TCP
    public var port: UInt16
    // DNS
    public var resolver: String?
    public var queryName: String
    public var queryType: String
    // HTTP
    public var expectStatus: [Int]
    public var bodyMustContain: String?
    public var caFile: String?
    public var verifyTLS: Bool
    public var followRedirects: Bool

    public init(
        name: String,
        kind: Kind,
        target: String,
        interval: Duration = .seconds(30),
        timeout: Duration = .seconds(5),
        interface: String? = nil,
        sourceAddress: String? = nil,
        ipPreference: IPPreference = .any,
        labels: [(String, String)] = [],
        count: Int = 5,
        spacing: Duration = .milliseconds(200),
        payloadSize: Int = 56,
        port: UInt16 = 443,
        resolver: String? = nil,
        queryName: String = "",
        queryType: String = "A",
        expectStatus: [Int] = [],
        bodyMustContain: String? = nil,
        caFile: String? = nil,
        verifyTLS: Bool = true,
        followRedirects: Bool = true
    ) {
        self.name = name
        self.kind = kind
        self.target = target
        self.interval = interval
        self.timeout = timeout
        self.interface = interface
        self.sourceAddress = sourceAddress
        self.ipPreference = ipPreference
        self.labels = labels
        self.count = count
        self.spacing = spacing
        self.payloadSize = payloadSize
        self.port = port
        self.resolver = resolver
        self.queryName = queryName
        self.queryType = queryType
        self.expectStatus = expectStatus
        self.bodyMustContain = bodyMustContain
        self.caFile = caFile
        self.verifyTLS = verifyTLS
        self.followRedirects = followRedirects
    }

    public static func == (lhs: ProbeSpec, rhs: ProbeSpec) -> Bool {
        lhs.name == rhs.name && lhs.kind == rhs.kind && lhs.target == rhs.target && lhs.interval == rhs.interval
            && lhs.timeout == rhs.timeout && lhs.interface == rhs.interface && lhs.sourceAddress == rhs.sourceAddress
            && lhs.ipPreference == rhs.ipPreference && lhs.labels.elementsEqual(rhs.labels, by: ==)
            && lhs.count == rhs.count && lhs.spacing == rhs.spacing && lhs.payloadSize == rhs.payloadSize
            && lhs.port == rhs.port && lhs.resolver == rhs.resolver && lhs.queryName == rhs.queryName
            && lhs.queryType == rhs.queryType && lhs.expectStatus == rhs.expectStatus
            && lhs.bodyMustContain == rhs.bodyMustContain && lhs.caFile == rhs.caFile && lhs.verifyTLS == rhs.verifyTLS
            && lhs.followRedirects == rhs.followRedirects
    }
}
