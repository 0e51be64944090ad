/// Where a local TCP listener binds: an IP literal and a port, written `host:port`
/// (`127.0.0.1:9813`, `0.0.0.0:9813`, `[::1]:9813`, `[::]:9813`).
///
/// Pure (no sockets, no `inet_pton`) so that the config validates `[metrics] listen` with exactly
/// the rules the endpoint binds with, without linking the network stack. Only IP literals are
/// accepted: a host name would make binding depend on DNS while the gateway boots, and a name that
/// resolves to several addresses would bind only one of them. The accepted forms are a subset of
/// what `inet_pton` takes, so a parsed address always binds syntactically.
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address family, which decides the socket type and how the address is written.
    public enum Family: Sendable, Hashable {
        case ipv4
        case ipv6
    }

    /// The IP literal as written, without brackets (`127.0.0.1`, `::1`).
    public let host: String
    /// The TCP port; 0 asks the kernel for any free port (tests), which a config may reject.
    public let port: UInt16
    public let family: Family
    /// Only this host can connect (127.0.0.0/8, `::1`, or IPv4-mapped 127.x).
    public let isLoopback: Bool
    /// Every interface (`0.0.0.0` or `::`): reachable from the school network.
    public let isUnspecified: Bool

    /// Builds an address from a host literal (no brackets) and a port; `nil` if `host` is not an
    /// IPv4 or IPv6 literal. Used to describe the address a socket actually bound.
    public init?(host: String, port: UInt16) {
        if let octets = Self.parseIPv4(host[...]) {
            self.init(host: host, port: port, family: .ipv4, octets: octets)
        } else if let octets = Self.parseIPv6(host[...]) {
            self.init(host: host, port: port, family: .ipv6, octets: octets)
        } else {
            return nil
        }
    }

    private init(host: String, port: UInt16, family: Family, octets: [UInt8]) {
        self.host = host
        self.port = port
        self.family = family
        switch family {
        case .ipv4:
            isLoopback = octets[0] == 127
        case .ipv6:
            let mappedPrefix: [UInt8] = Array(repeating: 0, count: 10) + [0xff, 0xff]
            isLoopback =
                octets == Array(repeating: 0, count: 15) + [1]
                || (Array(octets[0..<12]) == mappedPrefix && octets[12] == 127)
        }
        isUnspecified = octets.allSatisfy { $0 == 0 }
    }

    /// `host:port`, with IPv6 hosts in brackets: the form `parse` accepts, for logs and errors.
    public var description: String {
        switch family {
        case .ipv4: "\(host):\(port)"
        case .ipv6: "[\(host)]:\(port)"
        }
    }

    /// Parses `host:port`. Every failure carries a message a technician can act on.
    public static func parse(_ text: String) -> Result<ListenAddress, ListenAddressError> {
        func failure(_ code: ListenAddressError.Code, _ message: String) -> Result<ListenAddress, ListenAddressError> {
            .failure(ListenAddressError(code: code, text: text, message: message))
        }
        let example = "expected host:port such as 127.0.0.1:9813 or [::1]:9813"
        if text.isEmpty { return failure(.empty, "no address given; \(example)") }
        if text.contains(where: { $0.isWhitespace }) {
            return failure(.invalidHost, "contains white space; \(example)")
        }

        let hostText: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return failure(.invalidHost, "'[' without a closing ']'; \(example)")
            }
            hostText = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.first == ":" else {
                return failure(.missingPort, "missing ':port' after ']'; \(example)")
            }
            portText = rest.dropFirst()
        } else {
            let colons = text.count { $0 == ":" }
            if colons > 1 {
                return failure(.unbracketedIPv6, "IPv6 addresses go in brackets, e.g. [::1]:9813")
            }
            guard let colon = text.firstIndex(of: ":") else {
                return failure(.missingPort, "missing port; \(example)")
            }
            hostText = text[..<colon]
            portText = text[text.index(after: colon)...]
        }

        if hostText.isEmpty {
            return failure(
                .invalidHost,
                "missing host; use 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)"
            )
        }
        if portText.isEmpty { return failure(.missingPort, "missing port after ':'; \(example)") }
        guard portText.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else {
            return failure(.invalidPort, "port '\(portText)' is not a number from 0 to 65535")
        }
        // Compare as text length first so a 30-digit port cannot overflow the conversion.
        guard portText.count <= 5, let port = UInt16(portText) else {
            return failure(.invalidPort, "port \(portText) is out of range (0 to 65535)")
        }

        if text.hasPrefix("[") {
            if hostText.contains("%") {
                return failure(
                    .invalidHost,
                    "IPv6 zone indexes ('%eth0') are not supported; use a global or loopback address"
                )
            }
            if parseIPv4(hostText) != nil {
                return failure(.invalidHost, "brackets are only for IPv6 addresses; write \(hostText):\(portText)")
            }
            guard let octets = parseIPv6(hostText) else {
                return failure(.invalidHost, "'\(hostText)' is not a valid IPv6 address")
            }
            return .success(ListenAddress(host: String(hostText), port: port, family: .ipv6, octets: octets))
        }
        if let octets = parseIPv4(hostText) {
            return .success(ListenAddress(host: String(hostText), port: port, family: .ipv4, octets: octets))
        }
        // Letters mean a name (`localhost`, `gw.school.lan`); digits and dots a mistyped address.
        if !hostText.contains(where: \.isLetter) {
            return failure(.invalidHost, "'\(hostText)' is not a valid IPv4 address (four numbers 0 to 255)")
        }
        return failure(
            .hostName,
            "'\(hostText)' is not an IP address; host names are not resolved here, use 127.0.0.1 or [::1]"
        )
    }

    /// Parses the config setting, where an empty string means "endpoint disabled" (`nil`).
    public static func parseSetting(_ text: String) -> Result<ListenAddress?, ListenAddressError> {
        if text.isEmpty { return .success(nil) }
        return parse(text).map { $0 }
    }

    /// Dotted quad, each part 0 to 255 without leading zeros (which some parsers read as octal).
    private static func parseIPv4(_ text: Substring) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var octets: [UInt8] = []
        for part in parts {
            guard (1...3).contains(part.utf8.count),
                part.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
                part.utf8.count == 1 || part.utf8.first != UInt8(ascii: "0"),
                let value = UInt8(part)
            else { return nil }
            octets.append(value)
        }
        return octets
    }

    /// RFC 4291 text form: up to eight groups of 1 to 4 hex digits, at most one `::`, and an
    /// optional dotted-quad tail standing for the last two groups.
    private static func parseIPv6(_ text: Substring) -> [UInt8]? {
        guard !text.isEmpty, text.utf8.count <= 45 else { return nil }
        let halves = text.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        if halves.count == 2 && (halves[1].contains("::")) { return nil }
        guard let head = parseGroups(halves[0], allowIPv4Tail: halves.count == 1) else { return nil }
        if halves.count == 1 {
            return head.count == 16 ? head : nil
        }
        guard let tail = parseGroups(halves[1], allowIPv4Tail: true) else { return nil }
        // `::` stands for at least one zero group.
        guard head.count + tail.count <= 14 else { return nil }
        return head + Array(repeating: 0, count: 16 - head.count - tail.count) + tail
    }

    /// Colon-separated hex groups as bytes; an empty string is no groups (one side of `::`).
    private static func parseGroups(_ text: Substring, allowIPv4Tail: Bool) -> [UInt8]? {
        if text.isEmpty { return [] }
        let groups = text.split(separator: ":", omittingEmptySubsequences: false)
        var bytes: [UInt8] = []
        for (index, group) in groups.enumerated() {
            if index == groups.count - 1 && allowIPv4Tail && group.contains(".") {
                guard let octets = parseIPv4(group) else { return nil }
                bytes += octets
                continue
            }
            guard (1...4).contains(group.utf8.count), group.utf8.allSatisfy(isHexDigit),
                let value = UInt16(group, radix: 16)
            else { return nil }
            bytes += [UInt8(value >> 8), UInt8(value & 0xff)]
        }
        return bytes.count <= 16 ? bytes : nil
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
            UInt8(ascii: "A")...UInt8(ascii: "F"):
            true
        default: false
        }
    }
}
