/// Why an ingest body was refused: which kind of problem, on which line, in words an operator
/// (or the agent's dead-letter file) can act on.
public struct IngestDecodeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What kind of problem; a struct so new kinds never break callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// A line is not JSON, or not UTF-8.
        public static let malformedJSON = Code("malformed-json")
        /// JSON, but a required field is missing or of the wrong type.
        public static let invalidRecord = Code("invalid-record")
        /// The first line is not a version 1 batch header.
        public static let invalidHeader = Code("invalid-header")
        /// The header's `records` does not match the lines that follow (a cut-off body).
        public static let recordCountMismatch = Code("record-count-mismatch")
        /// More records than the collector accepts in one request.
        public static let tooManyRecords = Code("too-many-records")
        /// A line longer than the collector accepts.
        public static let lineTooLong = Code("line-too-long")
    }

    public var code: Code
    /// 1-based line of the body, nil for problems of the whole body.
    public var line: Int?
    public var message: String

    public init(_ code: Code, line: Int?, _ message: String) {
        self.code = code
        self.line = line
        self.message = message
    }

    public var description: String {
        if let line { return "line \(line): \(message)" }
        return message
    }
}
