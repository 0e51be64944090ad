/// A problem found while reading TOML syntax (as opposed to the netwarden schema).
///
/// A struct with an open `Code` rather than an enum, so adding a case never breaks callers that
/// switch over codes (the STYLE.md error shape).
public struct TOMLParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem it was; stable for tests and tooling, the message is for people.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        private init(_ rawValue: String) { self.rawValue = rawValue }

        public static let syntax = Code("syntax")
        public static let invalidUTF8 = Code("invalid-utf8")
        public static let binaryContent = Code("binary-content")
        public static let controlCharacter = Code("control-character")
        public static let unterminated = Code("unterminated")
        public static let invalidEscape = Code("invalid-escape")
        public static let invalidNumber = Code("invalid-number")
        public static let duplicateKey = Code("duplicate-key")
        public static let redefinition = Code("redefinition")
        public static let unsupported = Code("unsupported")
        public static let tooDeep = Code("too-deep")
        public static let tooManyErrors = Code("too-many-errors")

        public var description: String { rawValue }
    }

    public var code: Code
    /// What was wrong and what was expected, in words for the technician editing the file.
    public var message: String
    public var location: TOMLLocation
    /// The dotted key the problem concerns (`daemon.log_level`), when the parser knew it.
    public var key: String?

    public init(_ code: Code, _ message: String, at location: TOMLLocation, key: String? = nil) {
        self.code = code
        self.message = message
        self.location = location
        self.key = key
    }

    public var description: String { "\(location.line): \(key ?? "(syntax)"): \(message)" }
}
