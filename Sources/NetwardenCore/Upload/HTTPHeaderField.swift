/// One HTTP header, as sent or received.
///
/// Values can be credentials (custom `headers` from the config often carry API keys), so the
/// description shows the name only; code that reports a header value must choose to.
public struct HTTPHeaderField: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name): <\(value.utf8.count) bytes>" }
    public var debugDescription: String { description }

    /// Why `name`/`value` cannot go on the wire, or nil. A CR or LF would let a value start a
    /// header of its own (request splitting); RFC 9110 names are tokens. The problem text names
    /// the header, never its value.
    public var problem: String? {
        if name.isEmpty { return "a header has an empty name" }
        if !name.utf8.allSatisfy(Self.isTokenByte) {
            return "header name '\(name)' has a character HTTP does not allow (letters, digits and !#$%&'*+-.^_`|~)"
        }
        if value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }) {
            return "header '\(name)' has a line break or NUL in its value"
        }
        return nil
    }

    /// tchar from RFC 9110 section 5.6.2.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "A")...UInt8(ascii: "Z"):
            return true
        default:
            return Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}

extension [HTTPHeaderField] {
    /// The first value of `name` (case-insensitive, as HTTP header names are).
    public func value(named name: String) -> String? {
        let wanted = name.lowercased()
        return first { $0.name.lowercased() == wanted }?.value
    }
}
