/// Why a list entry was refused as a domain name.
public enum DomainProblem: Hashable, Sendable, CustomStringConvertible {
    case empty
    case tooLong(Int)
    case emptyLabel
    case labelTooLong(Int)
    case singleLabel
    /// Non-ASCII bytes: lists must carry internationalised names in punycode (`xn--...`), the form
    /// DNS, SNI and Host use, or they would never match what the engine sees.
    case notPunycode
    case invalidCharacter(UInt8)
    /// Several words where one domain was expected.
    case extraWords
    /// A hosts line with an address but no names, or a first word that is not an address.
    case malformedHostsLine

    public var description: String {
        switch self {
        case .empty: "no domain; expected a name like example.com"
        case .tooLong(let count): "\(count) characters; a domain has at most 253"
        case .emptyLabel: "an empty label (two dots in a row, or a leading dot)"
        case .labelTooLong(let count): "a label of \(count) characters; a label has at most 63"
        case .singleLabel: "a single label (a top-level domain); expected a domain like example.com"
        case .notPunycode: "non-ASCII characters; internationalised names must be written in punycode (xn--...)"
        case .invalidCharacter(let byte):
            "the character `\(Character(Unicode.Scalar(byte)))` is not allowed in a domain name"
        case .extraWords: "more than one word; expected one domain per line"
        case .malformedHostsLine: "not a hosts line; expected an address followed by names, e.g. 0.0.0.0 example.com"
        }
    }
}
