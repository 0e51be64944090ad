/// DNS record types a probe may ask for, as the config (`query_type`) and the CLI (`--type`)
/// spell them.
public enum DNSQueryTypeName: String, Sendable, CaseIterable {
    case a = "A"
    case aaaa = "AAAA"
    case cname = "CNAME"
    case txt = "TXT"
    case mx = "MX"
    case ns = "NS"
    case soa = "SOA"
    case ptr = "PTR"
    case https = "HTTPS"
    case svcb = "SVCB"

    /// The type for `text` in any case (`aaaa`, `AAAA`), or nil.
    public init?(spelling text: String) {
        self.init(rawValue: text.uppercased())
    }
}
