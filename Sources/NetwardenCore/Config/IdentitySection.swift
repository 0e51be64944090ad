/// `[identity]`: who this gateway is. Every metric and event carries these as labels.
public struct IdentitySection: ConfigSection {
    public static let name = "identity"
    public static let requirement: String? =
        "[identity] with trust = \"...\" and site = \"...\" (names for the trust and this school)"

    /// The multi-academy trust (or other organisation) this school belongs to.
    public var trust: String
    /// The school (site) this gateway serves.
    public var site: String
    /// This gateway's name; empty means "use the machine's hostname" (resolved by the daemon).
    public var gateway: String

    public init(trust: String, site: String, gateway: String = "") {
        self.trust = trust
        self.site = site
        self.gateway = gateway
    }

    /// Used only for the embedded default: a file must name its trust and site.
    public static let defaults = IdentitySection(trust: "default-trust", site: "default-site")

    static let label = ConfigValueType<String>.string.checked(ConfigLabel.problem(with:))

    public init(from reader: ConfigTableReader) {
        trust = reader.required("trust", Self.label, placeholder: "", example: "\"example-trust\"")
        site = reader.required("site", Self.label, placeholder: "", example: "\"example-primary\"")
        gateway = reader.value(
            "gateway",
            ConfigValueType<String>.string.checked { $0.isEmpty ? nil : ConfigLabel.problem(with: $0) },
            default: ""
        )
    }
}
