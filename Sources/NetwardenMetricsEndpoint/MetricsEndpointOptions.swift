/// Limits and timeouts of the metrics endpoint. The defaults suit a Prometheus scrape every few
/// seconds from this host; tests shorten the timeouts so they finish quickly.
public struct MetricsEndpointOptions: Sendable, Hashable {
    /// Open connections at most; at the cap the endpoint stops accepting (new connections wait in
    /// the kernel's backlog) so a flood cannot exhaust the daemon's file descriptors.
    public var maxConnections: Int = 64
    /// How long a client has to deliver a whole request (head and body), counted from when the
    /// connection opened or its previous response was written. A read-idle timeout alone would
    /// not stop a slowloris client, which sends a byte every few seconds forever.
    public var requestTimeout: Duration = .seconds(10)
    /// How long writing a response may make no progress; a client that stops reading is dropped
    /// instead of holding a connection slot and its buffered response, while a slow reader of a
    /// large response is not.
    public var writeTimeout: Duration = .seconds(10)
    /// Request header bytes at most (request line excluded by the parser). Scrapers send a few
    /// hundred bytes; the parser's 80 KiB default is far more than this endpoint needs.
    public var maxHeaderBytes: Int = 8 * 1024
    /// Request body bytes at most: nothing here takes a body, so more is a misbehaving client.
    public var maxRequestBodyBytes: Int = 8 * 1024
    /// First wait before binding again after a failure; doubles on each further failure.
    public var bindRetryDelay: Duration = .seconds(1)
    /// Longest wait between bind attempts, so a port freed later is picked up within a minute.
    public var maxBindRetryDelay: Duration = .seconds(60)

    public init() {}
}
