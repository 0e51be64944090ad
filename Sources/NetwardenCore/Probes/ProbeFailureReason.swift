/// Why a probe failed, as the `reason` label on `probe_success` and friends.
///
/// A struct with an open set of well-known values rather than an enum, so new probe kinds add
/// reasons without breaking callers (STYLE.md's error habit).
public struct ProbeFailureReason: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }

    public var description: String { rawValue }

    /// No answer within the probe's timeout.
    public static let timeout = Self(rawValue: "timeout")
    /// The target name did not resolve.
    public static let dnsError = Self(rawValue: "dns_error")
    /// The peer actively refused (TCP RST, ICMP port unreachable).
    public static let refused = Self(rawValue: "refused")
    /// No route to the network or host.
    public static let unreachable = Self(rawValue: "unreachable")
    /// The configured source interface does not exist.
    public static let noInterface = Self(rawValue: "no_interface")
    /// The configured source address is not on this host.
    public static let badSource = Self(rawValue: "bad_source")
    /// The daemon lacks the privilege (no CAP_NET_RAW and ping_group_range excludes us).
    public static let permissionDenied = Self(rawValue: "permission_denied")
    /// TLS handshake or certificate verification failed.
    public static let tlsError = Self(rawValue: "tls_error")
    /// HTTP answered with a status outside the accepted set.
    public static let httpStatus = Self(rawValue: "http_status")
    /// The response body lacked the required text.
    public static let bodyMismatch = Self(rawValue: "body_mismatch")
    /// The resolver answered SERVFAIL.
    public static let servfail = Self(rawValue: "servfail")
    /// The resolver answered NXDOMAIN: it works, but the name does not exist.
    public static let nxdomain = Self(rawValue: "nxdomain")
    /// The resolver answered REFUSED.
    public static let dnsRefused = Self(rawValue: "dns_refused")
    /// Some but not all packets of a burst were lost beyond the accepted ratio.
    public static let loss = Self(rawValue: "loss")
    /// Anything else (the log line carries the detail).
    public static let error = Self(rawValue: "error")
}
