/// A name the DNS probe was asked to query cannot be encoded.
///
/// Shaped like the house errors (a ``Code`` plus a message naming the offending input) so the
/// probe config can report which name, and new codes never break callers.
public struct DNSQueryError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong, as a stable value to switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        let raw: String

        public static let emptyLabel = Code(raw: "empty_label")
        public static let labelTooLong = Code(raw: "label_too_long")
        public static let nameTooLong = Code(raw: "name_too_long")
        public static let invalidCharacter = Code(raw: "invalid_character")

        public var description: String { raw }
    }

    public var code: Code
    /// The name as given.
    public var name: String
    public var message: String

    public init(code: Code, name: String, message: String) {
        self.code = code
        self.name = name
        self.message = message
    }

    public var description: String { "invalid DNS name \"\(name)\": \(message)" }
}
