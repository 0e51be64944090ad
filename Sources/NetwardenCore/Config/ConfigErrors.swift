/// Every problem found in one configuration file, sorted by line.
///
/// Returned instead of the first error so a technician fixes everything in one pass between
/// `netwarden check-config` runs.
public struct ConfigErrors: Error, Sendable, Equatable, CustomStringConvertible {
    public private(set) var diagnostics: [ConfigDiagnostic]

    public init(_ diagnostics: [ConfigDiagnostic]) {
        // Stable sort: problems on the same line keep the order they were found in.
        self.diagnostics = diagnostics.enumerated().sorted { lhs, rhs in
            let left = (lhs.element.line ?? 0, lhs.element.column ?? 0, lhs.offset)
            let right = (rhs.element.line ?? 0, rhs.element.column ?? 0, rhs.offset)
            return left < right
        }.map(\.element)
    }

    /// One line per problem, as `check-config` prints them.
    public var lines: [String] { diagnostics.map(\.description) }

    public var description: String { lines.joined(separator: "\n") }
}
