/// Why an upload got no HTTP response, classified for the retry logic.
///
/// A struct with an open `Code` rather than an enum (STYLE.md), so new kinds never break
/// callers. The message names the request (`POST https://host/path`, without user info or
/// query) and carries curl's own words; it never contains a header value, token or password.
public struct UploadError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure; each one's comment says how a retry should treat it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The server could not be reached or dropped the connection: name not resolved,
        /// connection refused or reset, closed without a response. Worth retrying with backoff.
        public static let connection = Code("connection")
        /// Connect timeout, too slow for too long (the low-speed limit), or the whole request
        /// took longer than its timeout. Worth retrying with backoff.
        public static let timeout = Code("timeout")
        /// TLS handshake failed or the server's certificate was not trusted (or ours was
        /// refused). Retrying will not help until someone fixes certificates; keep the data.
        public static let tls = Code("tls")
        /// The settings or request cannot work: bad URL, unsupported scheme, unreadable CA or
        /// client certificate file, a header with a line break. Not worth retrying as is.
        public static let configuration = Code("configuration")
        /// The server answered with something that is not valid HTTP. Worth retrying.
        public static let protocolViolation = Code("protocol violation")
        /// The posting task was cancelled (shutdown); the batch was not necessarily delivered.
        public static let cancelled = Code("cancelled")
        /// Out of memory, no thread for the transfer, or a libcurl failure with no better home.
        public static let `internal` = Code("internal")
    }

    public var code: Code
    /// What failed, for the log line.
    public var message: String
    /// libcurl's error number (CURLcode), when the failure came from curl.
    public var curlCode: Int?
    public var cause: (any Error & Sendable)?

    public init(code: Code, message: String, curlCode: Int? = nil, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.curlCode = curlCode
        self.cause = cause
    }

    public var description: String {
        var text = "\(code) error: \(message)"
        if let curlCode { text += " (curl code \(curlCode))" }
        if let cause { text += "\n  cause: \(cause)" }
        return text
    }
}
