/// The start of an HTTP/1.x request as seen at the front of a client's TCP stream: the request
/// line and the `Host` header, which is all web-filter checks need from plain HTTP.
///
/// The capture path accumulates the first bytes a client sends (up to ``Limits/maxHeadBytes``)
/// and calls ``parse(_:limits:)`` after each segment; the answer is `.needMoreData` until it can
/// decide. It decides at the first complete `Host` line, or at the end of the head if there is
/// none, so the answer does not depend on how the bytes were split into segments. Bare-LF line
/// ends are accepted (some clients and scripts send them). Method and target point into the
/// caller's buffer.
public struct HTTPRequestHead {
    /// Bounds on how long to wait and how much to scan.
    public struct Limits: Hashable, Sendable {
        /// Give up (``Rejection/headTooLarge``) once this many bytes have not settled it.
        public var maxHeadBytes: Int
        /// Longest request or header line (without its line end).
        public var maxLineLength: Int
        /// Most header lines scanned before the `Host` header.
        public var maxHeaderCount: Int

        public init(maxHeadBytes: Int = 4096, maxLineLength: Int = 4096, maxHeaderCount: Int = 64) {
            self.maxHeadBytes = maxHeadBytes
            self.maxLineLength = maxLineLength
            self.maxHeaderCount = maxHeaderCount
        }
    }

    /// Why the stream is not treated as an HTTP/1.x request (a counter key).
    public enum Rejection: Hashable, Sendable, CaseIterable {
        /// The first line is not `METHOD SP target SP HTTP/...`.
        case notARequestLine
        /// An HTTP version other than 1.x (including the HTTP/2 prior-knowledge preface).
        case unsupportedVersion
        case lineTooLong
        case tooManyHeaders
        /// ``Limits/maxHeadBytes`` buffered and still undecided.
        case headTooLarge

        /// Stable snake_case label value for metrics.
        public var name: String {
            switch self {
            case .notARequestLine: "not_a_request_line"
            case .unsupportedVersion: "unsupported_version"
            case .lineTooLong: "line_too_long"
            case .tooManyHeaders: "too_many_headers"
            case .headTooLarge: "head_too_large"
            }
        }
    }

    /// What ``parse(_:limits:)`` made of the bytes so far.
    public enum ParseResult {
        case found(HTTPRequestHead)
        /// Plausibly HTTP but undecided: buffer more and call again with all bytes so far.
        case needMoreData
        case notHTTP(Rejection)
    }

    /// Request method, e.g. `GET`, `CONNECT`.
    public var method: UnsafeRawBufferPointer
    /// Request target as sent (origin-form path, absolute URI, or CONNECT's `host:port`).
    public var target: UnsafeRawBufferPointer
    /// The `x` of `HTTP/1.x`.
    public var minorVersion: UInt8
    /// `Host` header: lowercased, port and IPv6 brackets removed; `nil` if absent, empty or invalid.
    public var host: DomainName?
    public var hostPort: UInt16?
    /// A `Host` header was present but is not a valid host (worth a counter: evasion or a bug).
    public var hostIsInvalid: Bool
    /// For CONNECT (authority-form) or an absolute-form target (`GET http://h/ ...`, sent to
    /// proxies): the host named in the target, normalised like ``host``. Computed on demand so
    /// the parse result stays small.
    public var targetHost: DomainName? { targetAuthority?.host }
    public var targetPort: UInt16? { targetAuthority?.port }
    /// Whether the blank line ending the head was reached (`false` when decided at `Host`).
    public var isComplete: Bool

    public var isConnect: Bool { method.elementsEqual("CONNECT".utf8) }

    /// Method as text (allocates).
    public var methodString: String { String(decoding: method, as: UTF8.self) }
    /// Target as text (allocates).
    public var targetString: String { String(decoding: target, as: UTF8.self) }

    /// Parses the request head at the start of `bytes` (everything the client sent so far).
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: Limits = Limits()) -> ParseResult {
        let undecided: ParseResult = bytes.count >= limits.maxHeadBytes ? .notHTTP(.headTooLarge) : .needMoreData
        // The request line is checked as it arrives, so non-HTTP streams (TLS, SSH, ...) are
        // rejected from their first bytes rather than after 4 KiB.
        var index = 0
        while index < bytes.count, isMethodByte(bytes[index]) { index += 1 }
        if index == bytes.count { return index > 20 ? .notHTTP(.notARequestLine) : undecided }
        guard index > 0, index <= 20, bytes[index] == UInt8(ascii: " ") else { return .notHTTP(.notARequestLine) }
        let method = UnsafeRawBufferPointer(rebasing: bytes[0..<index])
        index += 1
        let targetStart = index
        while index < bytes.count, bytes[index] > 0x20, bytes[index] != 0x7f { index += 1 }
        if index - targetStart > limits.maxLineLength { return .notHTTP(.lineTooLong) }
        if index == bytes.count { return undecided }
        guard index > targetStart, bytes[index] == UInt8(ascii: " ") else { return .notHTTP(.notARequestLine) }
        let target = UnsafeRawBufferPointer(rebasing: bytes[targetStart..<index])
        index += 1
        let prefix = "HTTP/".utf8
        for expected in prefix {
            if index == bytes.count { return undecided }
            guard bytes[index] == expected else { return .notHTTP(.notARequestLine) }
            index += 1
        }
        guard index + 3 <= bytes.count else { return undecided }
        guard bytes[index] == UInt8(ascii: "1"), bytes[index + 1] == UInt8(ascii: ".") else {
            return .notHTTP(.unsupportedVersion)
        }
        let minor = bytes[index + 2]
        guard minor >= UInt8(ascii: "0"), minor <= UInt8(ascii: "9") else { return .notHTTP(.unsupportedVersion) }
        index += 3
        guard let lineEnd = endOfLine(bytes, from: index) else { return undecided }
        guard lineEnd.contentEnd == index else { return .notHTTP(.notARequestLine) }
        index = lineEnd.next

        var head = HTTPRequestHead(
            method: method,
            target: target,
            minorVersion: minor - UInt8(ascii: "0"),
            host: nil,
            hostPort: nil,
            hostIsInvalid: false,
            isComplete: false
        )

        var headers = 0
        while true {
            guard let line = endOfLine(bytes, from: index) else {
                // A CR waiting for its LF in the next segment is not part of the line's length.
                let pending = bytes.count - index - (bytes.last == UInt8(ascii: "\r") ? 1 : 0)
                return pending > limits.maxLineLength ? .notHTTP(.lineTooLong) : undecided
            }
            if line.contentEnd - index > limits.maxLineLength { return .notHTTP(.lineTooLong) }
            if line.contentEnd == index {
                head.isComplete = true
                return .found(head)
            }
            headers += 1
            if headers > limits.maxHeaderCount { return .notHTTP(.tooManyHeaders) }
            let content = UnsafeRawBufferPointer(rebasing: bytes[index..<line.contentEnd])
            index = line.next
            // "Host" then ":" with no whitespace between (RFC 9112 5.1: servers reject that form,
            // so it cannot be the Host a server would act on).
            guard content.count >= 5, content[4] == UInt8(ascii: ":"),
                asciiLowercased(content[0]) == UInt8(ascii: "h"),
                asciiLowercased(content[1]) == UInt8(ascii: "o"),
                asciiLowercased(content[2]) == UInt8(ascii: "s"),
                asciiLowercased(content[3]) == UInt8(ascii: "t")
            else { continue }
            let value = trimmingWhitespace(UnsafeRawBufferPointer(rebasing: content[5...]))
            if !value.isEmpty {
                let authority = Authority(value)
                head.host = authority.host
                head.hostPort = authority.port
                head.hostIsInvalid = authority.host == nil
            }
            return .found(head)
        }
    }

    private var targetAuthority: Authority? {
        if isConnect { return Authority(target) }
        return Self.absoluteFormAuthority(target).map(Authority.init)
    }

    /// Where the line starting at `start` ends: the index of its CR LF / LF and the next line.
    private static func endOfLine(_ bytes: UnsafeRawBufferPointer, from start: Int) -> (contentEnd: Int, next: Int)? {
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\n") {
                let contentEnd = index > start && bytes[index - 1] == UInt8(ascii: "\r") ? index - 1 : index
                return (contentEnd, index + 1)
            }
            index += 1
        }
        return nil
    }

    /// Method tokens in practice are uppercase letters, with `-`/`_` in a few extensions.
    private static func isMethodByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: "_")
    }

    private static func trimmingWhitespace(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    /// The authority of an `http://` or `https://` absolute-form target (scheme case-insensitive),
    /// without any `userinfo@`.
    private static func absoluteFormAuthority(_ target: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer? {
        var index = 0
        while index < target.count, index < 8, target[index] != UInt8(ascii: ":") { index += 1 }
        guard index < target.count, target[index] == UInt8(ascii: ":") else { return nil }
        let scheme = UnsafeRawBufferPointer(rebasing: target[0..<index]).lazy.map(asciiLowercased)
        guard scheme.elementsEqual("http".utf8) || scheme.elementsEqual("https".utf8) else { return nil }
        guard index + 3 <= target.count, target[index + 1] == UInt8(ascii: "/"), target[index + 2] == UInt8(ascii: "/")
        else { return nil }
        var start = index + 3
        var end = start
        while end < target.count, target[end] != UInt8(ascii: "/"), target[end] != UInt8(ascii: "?"),
            target[end] != UInt8(ascii: "#")
        {
            if target[end] == UInt8(ascii: "@") { start = end + 1 }
            end += 1
        }
        return UnsafeRawBufferPointer(rebasing: target[start..<end])
    }

    /// `host[:port]` or `[v6]:port`, normalised; `host == nil` when the text is not a valid host.
    private struct Authority {
        var host: DomainName?
        var port: UInt16?

        init(_ text: UnsafeRawBufferPointer) {
            var hostBytes = text
            var portBytes: UnsafeRawBufferPointer?
            if text.first == UInt8(ascii: "[") {
                guard let close = text.firstIndex(of: UInt8(ascii: "]")) else { return }
                hostBytes = UnsafeRawBufferPointer(rebasing: text[1..<close])
                let rest = UnsafeRawBufferPointer(rebasing: text[(close + 1)...])
                if !rest.isEmpty {
                    guard rest[0] == UInt8(ascii: ":") else { return }
                    portBytes = UnsafeRawBufferPointer(rebasing: rest[1...])
                }
                guard !hostBytes.isEmpty, hostBytes.allSatisfy(Self.isIPv6LiteralByte) else { return }
            } else {
                if let colon = text.firstIndex(of: UInt8(ascii: ":")) {
                    hostBytes = UnsafeRawBufferPointer(rebasing: text[..<colon])
                    portBytes = UnsafeRawBufferPointer(rebasing: text[(colon + 1)...])
                }
                // A trailing dot names the same host; drop it so names compare equal to DNS's.
                if hostBytes.last == UInt8(ascii: ".") {
                    hostBytes = UnsafeRawBufferPointer(rebasing: hostBytes[..<(hostBytes.count - 1)])
                }
                guard !hostBytes.isEmpty, hostBytes.allSatisfy(Self.isHostByte) else { return }
            }
            if let portBytes, !portBytes.isEmpty {
                guard portBytes.count <= 5, portBytes.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return }
                let value = portBytes.reduce(0) { $0 * 10 + Int($1 - 0x30) }
                guard value <= Int(UInt16.max) else { return }
                port = UInt16(value)
            }
            var name = DomainName()
            guard name.append(contentsOf: hostBytes) else { return }
            host = name
        }

        /// Letters, digits, `-`, `.`, `_`: what DNS names and IPv4 literals use.
        static func isHostByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"):
                true
            default:
                false
            }
        }

        static func isIPv6LiteralByte(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: ":"), UInt8(ascii: "."):
                true
            default:
                false
            }
        }
    }
}
