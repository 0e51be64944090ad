import Glibc
import NIOCore

/// Why the metrics endpoint could not listen, naming the address, with the system error behind it.
///
/// The endpoint logs these and keeps retrying; `code` lets callers and tests tell the cases apart
/// without matching on messages, and new codes never break an exhaustive switch.
public struct MetricsEndpointError: Error, Sendable, CustomStringConvertible {
    /// The kind of failure. A struct rather than an enum so that adding a case is not a breaking
    /// change for callers that switch over it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// Another socket already listens on the address (`EADDRINUSE`).
        public static let addressInUse = Code("address in use")
        /// Ports below 1024 need root or `CAP_NET_BIND_SERVICE` (`EACCES`).
        public static let permissionDenied = Code("permission denied")
        /// The IP is not an address of this host (`EADDRNOTAVAIL`).
        public static let addressNotAvailable = Code("address not available")
        /// The endpoint stopped before it ever listened (asked for a bound address).
        public static let stopped = Code("stopped")
        /// Anything else the socket layer reported.
        public static let other = Code("other")

        public var description: String { name }
    }

    public let code: Code
    /// The address as configured (`127.0.0.1:9813`).
    public let address: String
    public let message: String
    public let cause: (any Error)?

    public init(code: Code, address: String, message: String, cause: (any Error)? = nil) {
        self.code = code
        self.address = address
        self.message = message
        self.cause = cause
    }

    public var description: String { "cannot listen on \(address): \(message)" }

    /// Classifies an error from binding, with a hint a technician can act on.
    static func binding(_ address: String, error: any Error) -> MetricsEndpointError {
        guard let ioError = error as? IOError else {
            return MetricsEndpointError(code: .other, address: address, message: "\(error)", cause: error)
        }
        switch ioError.errnoCode {
        case EADDRINUSE:
            return MetricsEndpointError(
                code: .addressInUse,
                address: address,
                message: "address already in use (another process listens there; `ss -ltnp` shows which)",
                cause: ioError
            )
        case EACCES:
            return MetricsEndpointError(
                code: .permissionDenied,
                address: address,
                message: "permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE)",
                cause: ioError
            )
        case EADDRNOTAVAIL:
            return MetricsEndpointError(
                code: .addressNotAvailable,
                address: address,
                message: "address not available (no interface of this host has that IP)",
                cause: ioError
            )
        default:
            return MetricsEndpointError(code: .other, address: address, message: "\(ioError)", cause: ioError)
        }
    }
}
