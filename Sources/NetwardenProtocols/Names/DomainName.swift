/// A host or domain name held inline (no heap), lowercase ASCII, without a trailing dot.
///
/// Every name extractor (DNS question and record names, HTTP `Host`, TLS/QUIC SNI) yields this one
/// type so the category matcher downstream takes a single input and the packet path never builds a
/// `String`. The capacity is 253 text bytes: the longest name whose wire form fits DNS's 255-byte
/// limit. The storage is a fixed tuple rather than `InlineArray` because the package still targets
/// macOS 15, where `InlineArray` is unavailable.
public struct DomainName: Sendable {
    /// Most text bytes a name can hold (255 wire bytes minus the first length octet and the root).
    public static let capacity = 253

    // 32 x 8 = 256 bytes; only the first `count` are meaningful.
    private var storage:
        (
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
            UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64
        ) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )
    private var length: UInt8 = 0

    /// The empty name (the DNS root).
    public init() {}

    /// Builds a name from text (for configuration and tests, not the packet path): lowercases ASCII
    /// and drops one trailing dot. `nil` if the text is longer than ``capacity``.
    public init?(parsing text: some StringProtocol) {
        var utf8 = Array(text.utf8)
        if utf8.last == UInt8(ascii: ".") { utf8.removeLast() }
        guard utf8.count <= Self.capacity else { return nil }
        for byte in utf8 { _ = append(byte) }
    }

    /// Number of text bytes.
    public var count: Int { Int(length) }

    public var isEmpty: Bool { length == 0 }

    /// Appends one byte, lowercasing ASCII letters; `false` (and nothing appended) when full.
    public mutating func append(_ byte: UInt8) -> Bool {
        appendRaw(asciiLowercased(byte))
    }

    /// Appends bytes from a wire buffer, lowercasing; `false` (nothing appended) if they do not fit.
    public mutating func append(contentsOf bytes: UnsafeRawBufferPointer) -> Bool {
        guard count + bytes.count <= Self.capacity else { return false }
        let start = count
        withUnsafeMutableBytes(of: &storage) { raw in
            for index in 0..<bytes.count {
                raw[start + index] = asciiLowercased(bytes[index])
            }
        }
        length = UInt8(start + bytes.count)
        return true
    }

    /// Forgets the contents so the value can be reused.
    public mutating func removeAll() { length = 0 }

    mutating func appendRaw(_ byte: UInt8) -> Bool {
        guard count < Self.capacity else { return false }
        let index = count
        withUnsafeMutableBytes(of: &storage) { $0[index] = byte }
        length += 1
        return true
    }

    /// Calls `body` with the text bytes (valid only inside the call).
    public func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        let count = self.count
        return try Swift.withUnsafeBytes(of: storage) { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[0..<count]))
        }
    }

    /// Whether this name is `domain` or a subdomain of it (label-aligned, so `badexample.com` is not
    /// under `example.com`). `domain` must already be lowercase without a trailing dot.
    public func isSubdomain(of domain: DomainName) -> Bool {
        let mine = count
        let theirs = domain.count
        if theirs == 0 { return true }
        guard theirs <= mine else { return false }
        return withUnsafeBytes { me in
            domain.withUnsafeBytes { other in
                for index in 0..<theirs where me[mine - theirs + index] != other[index] {
                    return false
                }
                return mine == theirs || me[mine - theirs - 1] == UInt8(ascii: ".")
            }
        }
    }
}

/// ASCII-only lowercasing: wire names are case-insensitive only for A-Z (RFC 4343).
func asciiLowercased(_ byte: UInt8) -> UInt8 {
    byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
}

extension DomainName: Equatable {
    public static func == (lhs: DomainName, rhs: DomainName) -> Bool {
        guard lhs.length == rhs.length else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in left.elementsEqual(right) }
        }
    }
}

extension DomainName: Hashable {
    public func hash(into hasher: inout Hasher) {
        withUnsafeBytes { hasher.combine(bytes: $0) }
    }
}

extension DomainName: CustomStringConvertible {
    /// The name as text; allocates, so for logs, events and tests rather than the packet path.
    public var description: String {
        withUnsafeBytes { String(decoding: $0, as: UTF8.self) }
    }
}

extension DomainName: ExpressibleByStringLiteral {
    /// Literal names for tests and built-in lists; a literal longer than ``capacity`` is a
    /// programming error.
    public init(stringLiteral value: String) {
        guard let name = DomainName(parsing: value) else {
            preconditionFailure("domain name literal longer than \(DomainName.capacity) bytes")
        }
        self = name
    }
}
