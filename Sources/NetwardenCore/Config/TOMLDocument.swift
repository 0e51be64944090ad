/// What `TOMLParser.parse` returns: the tree and every syntax error found.
///
/// Both at once, because the parser recovers at the next line after an error: the schema can
/// still check the rest of the file, so a technician sees all problems in one `check-config` run.
public struct TOMLDocument: Sendable, Equatable {
    public var root: TOMLTable
    /// Syntax errors in source order. Empty means the file is valid TOML.
    public var errors: [TOMLParseError]

    public init(root: TOMLTable, errors: [TOMLParseError]) {
        self.root = root
        self.errors = errors
    }
}
