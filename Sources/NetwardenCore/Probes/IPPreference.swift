/// Which address family a probe uses for a name that has both. One type for the config, the CLI,
/// the resolver and the HTTP probe, so no layer converts between look-alike enums by raw value
/// (a renamed case there would silently become `.any`).
public enum IPPreference: String, Sendable, CaseIterable {
    case any, ipv4, ipv6
}
