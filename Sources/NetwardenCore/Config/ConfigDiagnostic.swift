/// One problem with a configuration file, as a technician reads it:
/// `FILE:LINE: key: what was wrong and what was expected`.
///
/// The error shape follows STYLE.md: an open `Code`, a message, and where it happened.
public struct ConfigDiagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of problem; stable for tests and tools, the message is for people.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }

        /// The file is not valid TOML (the message says which rule it broke).
        public static let syntax = Code("syntax")
        public static let emptyFile = Code("empty-file")
        public static let missingSection = Code("missing-section")
        public static let unknownSection = Code("unknown-section")
        public static let missingKey = Code("missing-key")
        public static let unknownKey = Code("unknown-key")
        public static let wrongType = Code("wrong-type")
        public static let outOfRange = Code("out-of-range")
        public static let invalidValue = Code("invalid-value")
        /// The file could not be read at all (missing, a directory, unreadable, too large).
        public static let unreadable = Code("unreadable")

        public var description: String { rawValue }
    }

    public var code: Code
    public var file: String
    /// 1-based; nil when the problem is with the file as a whole (it could not be opened).
    public var line: Int?
    public var column: Int?
    /// The dotted key (`identity.site`), `(file)` for the file as a whole, nil for I/O problems.
    public var key: String?
    public var message: String

    public init(
        _ code: Code,
        file: String,
        line: Int?,
        column: Int? = nil,
        key: String?,
        message: String
    ) {
        self.code = code
        self.file = DisplayText.escaped(file, limit: 4096)
        self.line = line
        self.column = column
        // Values from the file are echoed inside messages and keys: made one safe line here,
        // once, so no newline splits the FILE:LINE form and no pasted blob fills the screen.
        self.key = key.map { DisplayText.oneLine($0) }
        self.message = DisplayText.oneLine(message)
    }

    /// `FILE:LINE: key: message`; `FILE: message` when there is no line (the file was unreadable).
    public var description: String {
        var text = file
        if let line { text += ":\(line)" }
        text += ": "
        if let key { text += "\(key): " }
        return text + message
    }
}
