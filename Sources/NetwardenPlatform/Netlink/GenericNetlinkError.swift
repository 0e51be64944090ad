import NetwardenProtocols

/// Why a generic netlink query (nl80211 and friends) failed.
///
/// `.unavailable` is the one callers branch on: the kernel lacks the family (for nl80211: no
/// cfg80211) or generic netlink altogether, so the caller falls back (for Wi-Fi, to
/// `/proc/net/wireless`). Everything else is a real failure worth logging.
public struct GenericNetlinkError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No such family (ENOENT from the controller) or no generic netlink sockets at all.
        public static let unavailable = Code("unavailable")
        /// A socket call failed; `systemError` says which.
        public static let system = Code("system")
        /// The kernel answered with an error or sent bytes we could not decode; `netlinkError` says which.
        public static let protocolError = Code("protocolError")
        /// No complete answer within the receive timeout.
        public static let timeout = Code("timeout")
        /// A dump was larger than the configured cap.
        public static let limitExceeded = Code("limitExceeded")
    }

    public var code: Code
    public var message: String
    /// What we were doing ("resolving the nl80211 family", "dumping stations of interface 3").
    public var context: String
    public var systemError: SystemError?
    public var netlinkError: NetlinkError?

    public init(
        _ code: Code,
        _ message: String,
        context: String,
        systemError: SystemError? = nil,
        netlinkError: NetlinkError? = nil
    ) {
        self.code = code
        self.message = message
        self.context = context
        self.systemError = systemError
        self.netlinkError = netlinkError
    }

    public var description: String {
        var text = "\(context): \(message)"
        if let systemError { text += " (\(systemError))" }
        if let netlinkError { text += " (\(netlinkError))" }
        return text
    }
}
