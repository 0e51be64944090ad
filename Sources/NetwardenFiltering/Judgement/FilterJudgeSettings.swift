import NetwardenProtocols

/// What the judge needs to know about the school's own filtering set-up, resolved from the
/// `[filter]` config section and the list files it names (read by the daemon).
public struct FilterJudgeSettings: Sendable {
    /// The site label every event carries.
    public var site: String
    /// The school's resolvers. DNS to any other server on port 53 is a bypass; these addresses
    /// are also exempt as clients, since a resolver forwarding upstream is not a pupil bypassing.
    /// Empty means "not configured": no resolver bypass is judged rather than every query.
    public var resolvers: Set<IPAddress> = []
    /// Addresses the filter answers blocked names with (DNS sinkholes).
    public var sinkholeAddresses: Set<IPAddress> = []
    /// Block-page servers and filter proxies: answers from them are blocks, CONNECTs to them are
    /// the school's own proxy.
    public var blockPageAddresses: Set<IPAddress> = []
    /// Hosts a filter redirects blocked HTTP requests to (a listed host covers its subdomains).
    public var blockPageHosts: CategoryMatcher
    /// HTTP statuses the filter answers blocked requests with (451, 403, ...).
    public var blockStatusCodes: Set<Int> = []
    /// Public DoH service names (shipped list plus the school's own).
    public var dohProviders: CategoryMatcher
    /// Public resolver addresses: TLS or QUIC to them on 443 is DoH even without a name.
    public var dohResolverAddresses: AddressList = AddressList()
    public var torRelayAddresses: AddressList = AddressList()
    /// Outer SNI names ECH providers use (`cloudflare-ech.com`).
    public var echPublicNames: CategoryMatcher
    /// One event per (client, subject, category, method) per window; the rest are counted.
    public var debounceSeconds: Int64 = 600

    /// Settings with nothing configured; fill in what the config provides.
    public init(site: String) throws(CategoryMatcherError) {
        self.site = site
        blockPageHosts = try CategoryMatcher.nameSet("block_page_hosts", domains: []).0
        dohProviders = try CategoryMatcher.nameSet("doh", domains: []).0
        echPublicNames = try CategoryMatcher.nameSet("ech", domains: []).0
    }
}
