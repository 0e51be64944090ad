import NetwardenCore

/// What one DNS question to the school's resolver returned.
public struct DNSLookup: Sendable, Equatable {
    /// NOERROR, NXDOMAIN, SERVFAIL, REFUSED...; nil when no answer arrived at all.
    public var rcode: String?
    public var addresses: [String]
    /// CNAME targets in answer order.
    public var cnames: [String]
    /// Why no answer arrived (timeout, refused, unreachable), with detail.
    public var failure: String?

    public init(rcode: String?, addresses: [String] = [], cnames: [String] = [], failure: String? = nil) {
        self.rcode = rcode
        self.addresses = addresses
        self.cnames = cnames
        self.failure = failure
    }
}

/// A TCP handshake's outcome.
public enum ConnectOutcome: Sendable, Equatable {
    case connected
    /// A reset came back (nothing listens, or a filter rejects with RST).
    case refused(String)
    /// Silence (dropped).
    case timeout(String)
    /// An ICMP unreachable (a filter rejecting with ICMP, or no route).
    case unreachable(String)
    /// Anything that says nothing about the path (no such interface, bad source address).
    case error(String)
}

/// Whom the served certificate chains to.
public enum TLSTrust: String, Sendable, Equatable {
    /// A public CA (or the configured `ca_file`): not intercepted.
    case publicCA = "public"
    /// The school's own filter CA (`filter_ca_file`), which its devices trust: intercepted on purpose.
    case filterCA = "filter_ca"
    /// Nothing we trust: intercepted by an unknown party, or a broken site.
    case untrusted
}

/// One HTTP(S) exchange with redirects not followed, pinned to one address.
public struct FetchOutcome: Sendable, Equatable {
    /// How a fetch ended without a response.
    public enum Failure: Sendable, Equatable {
        /// Reset (RST or an abrupt close) while the TLS handshake was under way.
        case tlsReset
        case tlsTimeout
        /// Reset or closed without a response after the request was sent.
        case httpReset
        case httpTimeout
        /// Anything else (out of memory, bad interface).
        case other
    }

    public var status: Int?
    public var location: String?
    /// The first 64 KiB of the body, decoded leniently.
    public var body: String
    public var tlsTrust: TLSTrust?
    /// Issuer of the leaf certificate, as OpenSSL prints it.
    public var tlsIssuer: String?
    public var failure: Failure?
    public var detail: String

    public init(
        status: Int? = nil,
        location: String? = nil,
        body: String = "",
        tlsTrust: TLSTrust? = nil,
        tlsIssuer: String? = nil,
        failure: Failure? = nil,
        detail: String = ""
    ) {
        self.status = status
        self.location = location
        self.body = body
        self.tlsTrust = tlsTrust
        self.tlsIssuer = tlsIssuer
        self.failure = failure
        self.detail = detail
    }
}

/// Whether a bypass route answered.
public enum BypassOutcome: Sendable, Equatable {
    /// Something answered: the route round the filter is open.
    case reachable(String)
    /// Refused, dropped or unreachable: closed.
    case blocked(String)
    /// The probe could not run (bad interface): says nothing.
    case error(String)
}

/// The network steps of a check, from one vantage. The live implementation sits in the daemon
/// (sockets, libcurl); tests script it. Calls block; the runner keeps them off Swift's pool.
public protocol FilterTestTransport: Sendable {
    /// Asks the school's resolver for A (`ipv6 == false`) or AAAA records of `name`.
    func resolve(_ name: String, ipv6: Bool, from vantage: FilterTestsSection.Vantage) -> DNSLookup
    func connect(address: String, port: Int, from vantage: FilterTestsSection.Vantage) -> ConnectOutcome
    /// Fetches `url` from `address` (SNI and Host stay the URL's host), without following redirects.
    func fetch(_ url: CanaryURL, address: String, from vantage: FilterTestsSection.Vantage) -> FetchOutcome
    func probeBypass(_ target: FilterTestsSection.Bypass, from vantage: FilterTestsSection.Vantage) -> BypassOutcome
}
