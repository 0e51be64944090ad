/// How a category list file is written.
public enum ListFormat: String, Hashable, Sendable, CaseIterable {
    /// Decided line by line: `||name^` is AdBlock, `ADDRESS name` is hosts, anything else one
    /// domain. Per line rather than per file because hand-merged lists often mix styles.
    case auto
    /// One domain per line; `#` starts a comment.
    case domains
    /// `0.0.0.0 name [name ...]` lines as in /etc/hosts; `#` starts a comment.
    case hosts
    /// AdBlock Plus / uBlock syntax; only `||name^` blocks are used, every other rule is counted.
    case adblock
    /// A `domains` file from the UT1 blacklists (`<root>/<category>/domains`): plain domains.
    case ut1
}
