/// Why a series could not be encoded (it would make a receiver reject the whole request), or why
/// bytes are not a valid remote write request.
///
/// A struct with a `Code` rather than an enum, so new cases never break callers (STYLE.md).
/// Encoding errors name the series' metric so the caller can log and count the one it drops;
/// decoding errors carry the byte offset where the problem sits.
public struct RemoteWriteError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// No non-empty `__name__` label: every remote write series must have a metric name.
        public static let missingMetricName = Code("missingMetricName")
        /// The `__name__` value is not `[a-zA-Z_:][a-zA-Z0-9_:]*`.
        public static let invalidMetricName = Code("invalidMetricName")
        /// A label name is not `[a-zA-Z_][a-zA-Z0-9_]*`.
        public static let invalidLabelName = Code("invalidLabelName")
        /// Two labels of a series have the same name.
        public static let duplicateLabelName = Code("duplicateLabelName")
        /// A sample's timestamp is not later than the one before it in the same series.
        public static let samplesOutOfOrder = Code("samplesOutOfOrder")
        /// Decoding: the bytes end inside a field.
        public static let truncated = Code("truncated")
        /// Decoding: a wire type, length or string that protobuf or the schema does not allow.
        public static let malformed = Code("malformed")
    }

    public var code: Code
    public var message: String
    /// Where in the decoded bytes the problem was found; nil for encoding errors.
    public var offset: Int?

    public init(_ code: Code, _ message: String, offset: Int? = nil) {
        self.code = code
        self.message = message
        self.offset = offset
    }

    public var description: String {
        var text = "remote write \(code): \(message)"
        if let offset { text += " at offset \(offset)" }
        return text
    }
}
