/// A collector failure an operator can act on: what kind, and what happened in words.
public struct CollectorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A struct, not an enum, so new kinds never break callers.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let rawValue: String
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The database cannot be opened, migrated or written.
        public static let storage = Code("storage")
        /// An agent or user name is already taken.
        public static let alreadyExists = Code("already-exists")
        /// No agent or user by that name.
        public static let notFound = Code("not-found")
        /// A name that cannot be used (empty, spaces, too long).
        public static let invalidName = Code("invalid-name")
        /// An agent's token used for a gateway identity another agent has claimed.
        public static let forbidden = Code("forbidden")
        /// The random source or key derivation failed.
        public static let crypto = Code("crypto")
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
