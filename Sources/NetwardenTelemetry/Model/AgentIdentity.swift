/// Who produced a sample or event: the trust, the school (site) and the gateway.
///
/// Attached in one place (the hub, when a producer publishes) so no producer can forget it,
/// and stored with each spooled record so data produced before a reload keeps the identity it
/// was produced under.
public struct AgentIdentity: Sendable, Hashable {
    public var trust: String
    public var site: String
    public var gateway: String

    public init(trust: String, site: String, gateway: String) {
        self.trust = trust
        self.site = site
        self.gateway = gateway
    }

    /// The identity as labels, in the fixed order every encoder writes them.
    public var labels: [Label] { [Label("trust", trust), Label("site", site), Label("gateway", gateway)] }

    /// The label names identity takes; producers must not use them for anything else.
    public static let labelNames: Set<String> = ["trust", "site", "gateway"]
}
