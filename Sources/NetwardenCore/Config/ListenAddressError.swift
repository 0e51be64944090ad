/// Why a `host:port` listen address was rejected, with a message that says what to write instead.
///
/// `message` omits the input so a config diagnostic (which already names file, line and key) can
/// use it as is; `description` includes the input for logs.
public struct ListenAddressError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of mistake it was, for callers that react differently (tests, hints).
    public enum Code: Sendable, Hashable {
        case empty
        case missingPort
        case invalidPort
        case invalidHost
        /// A host name such as `localhost`: only IP literals are accepted.
        case hostName
        /// An IPv6 address without brackets, where its colons and the port's are ambiguous.
        case unbracketedIPv6
    }

    public let code: Code
    /// The text that was parsed.
    public let text: String
    public let message: String

    public init(code: Code, text: String, message: String) {
        self.code = code
        self.text = text
        self.message = message
    }

    public var description: String { "invalid listen address \"\(text)\": \(message)" }
}
