import Hummingbird
import NIOCore

/// The request context of every collector route: Hummingbird's basic one plus the client's
/// address, which the sign-in throttle counts failures by (Hummingbird's `BasicRequestContext`
/// drops the channel, and with it the peer).
public struct CollectorRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// The client's IP address as text (no port: a new connection must not be a new client).
    var clientAddress: String? { remoteAddress?.ipAddress }
}
