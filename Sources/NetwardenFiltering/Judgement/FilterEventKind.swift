import NetwardenCore

/// What a filter event reports; the raw value is the `kind` field and metric label.
public enum FilterEventKind: String, Hashable, Sendable, CaseIterable {
    /// A must-block name got through (the filter failed).
    case leak = "filter_leak"
    /// A must-block name was stopped (evidence that the filter works).
    case blocked = "filter_blocked"
    case dnsResolver = "bypass_dns_resolver"
    case dnsOverTLS = "bypass_dot"
    case dnsOverHTTPS = "bypass_doh"
    case encryptedClientHello = "bypass_ech"
    case vpn = "bypass_vpn"
    case tor = "bypass_tor"
    case proxy = "bypass_proxy"

    /// Whether this is one of the `bypass_*` kinds.
    public var isBypass: Bool { self != .leak && self != .blocked }

    /// A leak is a compliance failure; a bypass is something a technician should look at; a
    /// block is the filter doing its job, kept as evidence.
    public var severity: LogSeverity {
        switch self {
        case .leak: .error
        case .blocked: .info
        default: .warning
        }
    }
}
