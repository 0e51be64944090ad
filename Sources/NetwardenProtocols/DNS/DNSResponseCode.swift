/// A DNS RCODE (RFC 1035 4.1.1, RFC 6895), with the names resolvers and `dig` print.
///
/// A struct so codes we have no name for stay representable (printed as `RCODE<n>`).
public struct DNSResponseCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt16

    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let noError = DNSResponseCode(rawValue: 0)
    public static let formatError = DNSResponseCode(rawValue: 1)
    public static let serverFailure = DNSResponseCode(rawValue: 2)
    public static let nameError = DNSResponseCode(rawValue: 3)
    public static let notImplemented = DNSResponseCode(rawValue: 4)
    public static let refused = DNSResponseCode(rawValue: 5)
    public static let yxDomain = DNSResponseCode(rawValue: 6)
    public static let yxRRSet = DNSResponseCode(rawValue: 7)
    public static let nxRRSet = DNSResponseCode(rawValue: 8)
    public static let notAuthoritative = DNSResponseCode(rawValue: 9)
    public static let notZone = DNSResponseCode(rawValue: 10)

    /// The mnemonic (`NOERROR`, `NXDOMAIN`, ...), used as a metric label and in logs.
    public var name: String {
        switch rawValue {
        case 0: "NOERROR"
        case 1: "FORMERR"
        case 2: "SERVFAIL"
        case 3: "NXDOMAIN"
        case 4: "NOTIMP"
        case 5: "REFUSED"
        case 6: "YXDOMAIN"
        case 7: "YXRRSET"
        case 8: "NXRRSET"
        case 9: "NOTAUTH"
        case 10: "NOTZONE"
        default: "RCODE\(rawValue)"
        }
    }

    public var description: String { name }
}
