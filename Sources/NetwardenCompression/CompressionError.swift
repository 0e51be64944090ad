/// Why compressed bytes could not be turned back into the original: damaged or cut-off input, or
/// output larger than the caller allows.
///
/// A struct with a `Code` rather than an enum, so new cases never break callers (STYLE.md). The
/// message names the format (snappy, gzip) and what was wrong, in words a technician can read
/// in a log line.
public struct CompressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        public var description: String { name }

        /// The bytes are not valid for the format (bad header, bad checksum, impossible back-reference).
        public static let corrupt = Code("corrupt")
        /// The input ends before the compressed stream does.
        public static let truncated = Code("truncated")
        /// The output would be larger than the caller's `maxBytes`: a compression bomb or a limit
        /// set too low. Nothing beyond the limit is ever allocated.
        public static let tooLarge = Code("tooLarge")
        /// The library could not allocate its working state.
        public static let outOfMemory = Code("outOfMemory")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "\(code): \(message)" }
}
