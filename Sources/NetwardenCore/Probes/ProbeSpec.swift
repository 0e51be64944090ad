/// One configured probe, resolved and ready to run: what to probe, how often, and from where.
///
/// What only one kind understands lives in that kind's payload of ``Options``: a DNS probe has a
/// resolver and its own port default (53), a TCP probe its own (443), and neither can see the
/// other's. (One flat struct with a shared `port` made the DNS probe guess whether 443 was the
/// TCP default or a port the technician wrote.)
public struct ProbeSpec: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case icmp, dns, tcp, http
    }

    /// The settings of one probe kind.
    public enum Options: Sendable, Equatable {
        case icmp(ICMP)
        case dns(DNS)
        case tcp(TCP)
        case http(HTTP)
    }

    /// A burst of echo requests to one host.
    public struct ICMP: Sendable, Equatable {
        /// Host name, address, or ``ProbeSpec/defaultGatewayTarget``.
        public var host: String
        public var count: Int
        public var spacing: Duration
        public var payloadSize: Int
        /// Upper bound on the whole burst, sends and waits together; nil means the burst ends
        /// `timeout` after its last send. `netwarden probe icmp` sets it to `--timeout`, so the
        /// technician's timeout bounds the run.
        public var burstLimit: Duration?

        public init(
            host: String,
            count: Int = 5,
            spacing: Duration = .milliseconds(200),
            payloadSize: Int = 56,
            burstLimit: Duration? = nil
        ) {
            self.host = host
            self.count = count
            self.spacing = spacing
            self.payloadSize = payloadSize
            self.burstLimit = burstLimit
        }
    }

    /// One question to one resolver.
    public struct DNS: Sendable, Equatable {
        public static let defaultPort: UInt16 = 53

        /// Numeric address: a probe of DNS must not depend on DNS to find its resolver.
        public var resolver: String
        public var port: UInt16
        public var query: String
        public var type: DNSQueryTypeName

        public init(resolver: String, port: UInt16 = Self.defaultPort, query: String, type: DNSQueryTypeName = .a) {
            self.resolver = resolver
            self.port = port
            self.query = query
            self.type = type
        }
    }

    /// A TCP handshake to one port.
    public struct TCP: Sendable, Equatable {
        public static let defaultPort: UInt16 = 443

        public var host: String
        public var port: UInt16

        public init(host: String, port: UInt16 = Self.defaultPort) {
            self.host = host
            self.port = port
        }
    }

    /// One HTTP(S) request.
    public struct HTTP: Sendable, Equatable {
        public var url: String
        /// Statuses that count as success; empty means 200...399.
        public var expectStatus: [Int]
        public var bodyMustContain: String?
        public var caFile: String?
        public var verifyTLS: Bool
        public var followRedirects: Bool

        public init(
            url: String,
            expectStatus: [Int] = [],
            bodyMustContain: String? = nil,
            caFile: String? = nil,
            verifyTLS: Bool = true,
            followRedirects: Bool = true
        ) {
            self.url = url
            self.expectStatus = expectStatus
            self.bodyMustContain = bodyMustContain
            self.caFile = caFile
            self.verifyTLS = verifyTLS
            self.followRedirects = followRedirects
        }
    }

    /// ICMP/TCP target meaning "the next hop of the default route", resolved at every run.
    public static let defaultGatewayTarget = "default-gateway"

    /// Name shown in logs and the `probe` label; unique per config.
    public var name: String
    public var options: Options
    public var interval: Duration
    public var timeout: Duration
    public var interface: String?
    public var sourceAddress: String?
    public var ipPreference: IPPreference
    /// Extra labels from the config, appended after identity and probe labels.
    public var labels: [(String, String)]

    public init(
        name: String,
        options: Options,
        interval: Duration = .seconds(30),
        timeout: Duration = .seconds(5),
        interface: String? = nil,
        sourceAddress: String? = nil,
        ipPreference: IPPreference = .any,
        labels: [(String, String)] = []
    ) {
        self.name = name
        self.options = options
        self.interval = interval
        self.timeout = timeout
        self.interface = interface
        self.sourceAddress = sourceAddress
        self.ipPreference = ipPreference
        self.labels = labels
    }

    public var kind: Kind {
        switch options {
        case .icmp: .icmp
        case .dns: .dns
        case .tcp: .tcp
        case .http: .http
        }
    }

    /// What the probe is aimed at, as logs and the `target` label show it: the host, the
    /// resolver (with its port when not 53) or the URL.
    public var target: String {
        switch options {
        case .icmp(let icmp): icmp.host
        case .tcp(let tcp): tcp.host
        case .http(let http): http.url
        case .dns(let dns):
            dns.port == DNS.defaultPort
                ? dns.resolver : (dns.resolver.contains(":") ? "[\(dns.resolver)]" : dns.resolver) + ":\(dns.port)"
        }
    }

    /// How long one run can take at most, sends and waits included; the scheduler's liveness
    /// allowance builds on it.
    public var longestRun: Duration {
        if case .icmp(let icmp) = options { return icmp.burstLimit ?? (icmp.spacing * icmp.count + timeout) }
        return timeout
    }

    public static func == (lhs: ProbeSpec, rhs: ProbeSpec) -> Bool {
        lhs.name == rhs.name && lhs.options == rhs.options && lhs.interval == rhs.interval
            && lhs.timeout == rhs.timeout && lhs.interface == rhs.interface && lhs.sourceAddress == rhs.sourceAddress
            && lhs.ipPreference == rhs.ipPreference && lhs.labels.elementsEqual(rhs.labels, by: ==)
    }
}
