/// The parts of an http(s) URL a check needs: the scheme decides TLS, the host is what the
/// resolver is asked and what SNI and Host carry, the port is what the TCP step connects to.
public struct CanaryURL: Sendable, Equatable {
    public var text: String
    public var isHTTPS: Bool
    public var host: String
    public var port: Int

    public init?(_ text: String) {
        let https = text.lowercased().hasPrefix("https://")
        guard https || text.lowercased().hasPrefix("http://") else { return nil }
        let rest = text.dropFirst(https ? 8 : 7)
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = Substring(authority)
        var port = https ? 443 : 80
        if host.hasPrefix("[") {
            // [v6]:port
            guard let close = host.firstIndex(of: "]") else { return nil }
            let after = host[host.index(after: close)...]
            host = host[host.index(after: host.startIndex)..<close]
            if after.hasPrefix(":") {
                guard let number = Int(after.dropFirst()), (1...65_535).contains(number) else { return nil }
                port = number
            }
        } else if let colon = host.lastIndex(of: ":") {
            guard let number = Int(host[host.index(after: colon)...]), (1...65_535).contains(number) else { return nil }
            port = number
            host = host[..<colon]
        }
        guard !host.isEmpty, !host.contains("@") else { return nil }
        self.text = text
        self.isHTTPS = https
        self.host = host.lowercased()
        self.port = port
    }

    /// `location` (absolute, or a path on this origin) as a URL.
    public func resolving(_ location: String) -> CanaryURL? {
        if let absolute = CanaryURL(location) { return absolute }
        guard location.hasPrefix("/") else { return nil }
        let authority = host.contains(":") ? "[\(host)]" : host
        let defaultPort = isHTTPS ? 443 : 80
        let portText = port == defaultPort ? "" : ":\(port)"
        return CanaryURL((isHTTPS ? "https://" : "http://") + authority + portText + location)
    }
}
