/// Why the lab could not be built, used or torn down. Failures of the programs it runs come
/// through as the `cause` (usually a `CommandError` with the command line and stderr).
public struct LabError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so new kinds never break callers.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// Not root, no iproute2, namespaces not permitted, or a required program missing.
        public static let unavailable = Code("lab unavailable")
        /// The topology names an unknown host, repeats a name or has a bad interface name.
        public static let invalidTopology = Code("invalid topology")
        /// A host name that is not in this lab's topology.
        public static let unknownHost = Code("unknown host")
        /// Creating namespaces, links, addresses or routes failed.
        public static let setupFailed = Code("setup failed")
        /// A server (dnsmasq, nginx, tcpdump) did not start or never answered.
        public static let serverFailed = Code("server failed")
        /// Something could not be removed; the lab may have left namespaces behind.
        public static let teardownFailed = Code("teardown failed")
        /// A client helper (DNS query, HTTP request, socket) failed.
        public static let clientFailed = Code("client failed")
        /// The lab was used after `shutdown()`.
        public static let shutDown = Code("lab shut down")
    }

    public var code: Code
    public var message: String
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        var text = "\(code): \(message)"
        if let cause { text += "\n  cause: \(cause)" }
        return text
    }
}
