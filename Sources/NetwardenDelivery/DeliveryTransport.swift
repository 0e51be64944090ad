/// One HTTP POST an output makes: already encoded and compressed.
public struct DeliveryRequest: Sendable {
    public var body: [UInt8]
    /// Content-Type, Content-Encoding and protocol headers; credentials are added by the
    /// transport from its own settings, so they never pass through here or reach a log.
    public var headers: [(name: String, value: String)]

    public init(body: [UInt8], headers: [(name: String, value: String)]) {
        self.body = body
        self.headers = headers
    }
}

/// What came back: a status from the server, or a failure to get one.
public enum DeliveryResponse: Sendable, Equatable {
    /// The server answered. `retryAfter` is the parsed `Retry-After` header, `message` the
    /// start of the body (for the log and the dead-letter file).
    case answered(status: Int, retryAfter: Duration?, message: String)
    /// No answer: the connection failed, timed out, or TLS did not verify.
    case failed(DeliveryFailure)
}

/// Why a request got no answer, with the transport's own words.
public struct DeliveryFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// Refused, reset, unreachable, name not resolved: worth retrying.
        case connection
        /// Connect, low-speed or overall timeout: worth retrying.
        case timeout
        /// Certificate or handshake failure: retried slowly (a fixed clock or a renewed
        /// certificate heals it), never silently skipped.
        case tls
        /// The request could not be made at all (bad URL, unreadable client certificate).
        case configuration
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "\(kind.rawValue): \(message)" }
}

/// Carries requests to one destination (libcurl in the daemon, a fake in unit tests).
/// One request at a time per transport: the uploader never overlaps its own requests.
public protocol DeliveryTransport: Sendable {
    func send(_ request: DeliveryRequest) async -> DeliveryResponse
}
