/// A position in a TOML source: 1-based line and column.
///
/// Columns count Unicode scalars, not bytes, so a technician's editor shows the same column the
/// error names even when the line holds non-ASCII text.
public struct TOMLLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: TOMLLocation, rhs: TOMLLocation) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    public var description: String { "\(line):\(column)" }
}
