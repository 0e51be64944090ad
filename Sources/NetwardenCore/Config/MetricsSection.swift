/// `[metrics]`: the daemon's local Prometheus endpoint.
public struct MetricsSection: ConfigSection {
    public static let name = "metrics"

    /// `host:port` (`[v6]:port` for IPv6) to serve `/metrics` on; empty turns it off. Loopback
    /// by default: the endpoint is for a local Prometheus or a technician's curl, not the LAN.
    public var listen: String

    public init(listen: String = "127.0.0.1:9813") { self.listen = listen }

    public static let defaults = MetricsSection()

    /// `host:port`, `[v6]:port` or empty (off), checked by the same parser the endpoint uses;
    /// the host must be a numeric address so the endpoint never depends on DNS at start.
    public static let listenType = ConfigValueType<String>.string.checked { text in
        switch ListenAddress.parseSetting(text) {
        case .success: nil
        case .failure(let error): "`\(text)`: \(error.message)"
        }
    }

    public init(from reader: ConfigTableReader) {
        listen = reader.value("listen", Self.listenType, default: Self.defaults.listen)
    }
}
