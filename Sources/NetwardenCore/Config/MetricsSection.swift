/// `[metrics]`: the daemon's local Prometheus endpoint.
public struct MetricsSection: ConfigSection {
    public static let name = "metrics"

    /// `host:port` (`[v6]:port` for IPv6) to serve `/metrics` on; empty turns it off. Loopback
    /// by default: the endpoint is for a local Prometheus or a technician's curl, not the LAN.
    public var listen: String

    public init(listen: String = "127.0.0.1:9813") { self.listen = listen }

    public static let defaults = MetricsSection()

    /// `host:port`, `[v6]:port` or empty; the host must be a numeric address so the endpoint
    /// never depends on DNS at start.
    public static let listenType = ConfigValueType<String>.string.checked { text in
        if text.isEmpty { return nil }
        let example = "expected \"127.0.0.1:9813\", \"[::1]:9813\" or \"\" to turn the endpoint off"
        let host: Substring
        let port: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                return "`\(text)` is not [address]:port; \(example)"
            }
            host = text[text.index(after: text.startIndex)..<close]
            port = text[text.index(close, offsetBy: 2)...]
            guard IPAddressText.isIPv6(String(host)) else { return "`\(host)` is not an IPv6 address; \(example)" }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return "`\(text)` has no port; \(example)" }
            host = text[..<colon]
            port = text[text.index(after: colon)...]
            guard IPAddressText.isIPv4(String(host)) else {
                return "`\(host)` is not a numeric IPv4 address (IPv6 goes in brackets); \(example)"
            }
        }
        guard let number = Int(port), (0...65_535).contains(number) else {
            return "`\(port)` is not a port number 0-65535; \(example)"
        }
        return nil
    }

    public init(from reader: ConfigTableReader) {
        listen = reader.value("listen", Self.listenType, default: Self.defaults.listen)
    }
}
