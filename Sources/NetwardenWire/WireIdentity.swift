/// Who produced data: the trust, the school (site) and the gateway, as every header, sample
/// group and event carries it.
public struct WireIdentity: Sendable, Hashable, CustomStringConvertible {
    public var trust: String
    public var site: String
    public var gateway: String

    public init(trust: String, site: String, gateway: String) {
        self.trust = trust
        self.site = site
        self.gateway = gateway
    }

    public var description: String { "\(trust)/\(site)/\(gateway)" }
}
