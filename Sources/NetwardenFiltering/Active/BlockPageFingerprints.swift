import NetwardenProtocols

/// Signatures of school filters' block pages, read from data files so a trust adds its own
/// filter without a new release (`etc/netwarden/filter-tests/blockpages.txt`).
///
/// One signature a line: `KIND VENDOR PATTERN`, where KIND is
/// - `status`: an HTTP status only block pages use (451),
/// - `host`: a host (or parent domain) that block redirects and block CNAMEs point at,
/// - `title`: text in the page's `<title>`, `body`: text anywhere in the first 64 KiB,
/// - `address`: an address the filter's resolver answers for blocked names.
/// Text matching ignores ASCII case. `#` starts a comment.
public struct BlockPageFingerprints: Sendable, Equatable {
    /// What a signature looks at.
    public enum Kind: String, Sendable, CaseIterable {
        case status, host, title, body, address
    }

    /// One signature.
    public struct Signature: Sendable, Equatable {
        public var kind: Kind
        public var vendor: String
        public var pattern: String

        public init(kind: Kind, vendor: String, pattern: String) {
            self.kind = kind
            self.vendor = vendor
            self.pattern = kind == .address ? pattern : pattern.lowercased()
        }
    }

    /// A line that could not be read, for `FILE:LINE: message` reporting.
    public struct Problem: Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    public var signatures: [Signature]

    public init(_ signatures: [Signature] = []) { self.signatures = signatures }

    /// Parses one file's text; bad lines are skipped and reported, the rest still count.
    public static func parse(_ text: String) -> (BlockPageFingerprints, [Problem]) {
        var signatures: [Signature] = []
        var problems: [Problem] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.prefix { $0 != "#" }.trimmingSpaces
            if line.isEmpty { continue }
            let fields = line.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
            guard fields.count == 3 else {
                problems.append(Problem(line: index + 1, message: "expected KIND VENDOR PATTERN, found `\(line)`"))
                continue
            }
            guard let kind = Kind(rawValue: String(fields[0])) else {
                let kinds = Kind.allCases.map(\.rawValue).joined(separator: ", ")
                problems.append(
                    Problem(line: index + 1, message: "unknown kind `\(fields[0])`; expected one of \(kinds)")
                )
                continue
            }
            let pattern = String(fields[2]).trimmingSpaces
            if kind == .status, Int(pattern).map({ (100...599).contains($0) }) != true {
                problems.append(Problem(line: index + 1, message: "`\(pattern)` is not an HTTP status"))
                continue
            }
            if kind == .address, IPAddress(text: pattern) == nil {
                problems.append(Problem(line: index + 1, message: "`\(pattern)` is not a numeric address"))
                continue
            }
            signatures.append(Signature(kind: kind, vendor: String(fields[1]), pattern: pattern))
        }
        return (BlockPageFingerprints(signatures), problems)
    }

    /// Adds another file's signatures (shipped file first, then the trust's).
    public mutating func merge(_ other: BlockPageFingerprints) { signatures += other.signatures }

    /// The first signature matching this status.
    public func matchStatus(_ status: Int) -> Signature? {
        signatures.first { $0.kind == .status && $0.pattern == String(status) }
    }

    /// The first `host` signature that is this host or a parent domain of it.
    public func matchHost(_ host: String) -> Signature? {
        let host = host.lowercased().trimmingDot
        return signatures.first { $0.kind == .host && (host == $0.pattern || host.hasSuffix("." + $0.pattern)) }
    }

    /// The first `address` signature equal to this address (compared as addresses, not text).
    public func matchAddress(_ address: String) -> Signature? {
        guard let parsed = IPAddress(text: address) else { return nil }
        return signatures.first { $0.kind == .address && IPAddress(text: $0.pattern) == parsed }
    }

    /// The first `title` or `body` signature found in the page.
    public func matchPage(_ body: String) -> Signature? {
        let lowered = body.lowercased()
        let title = Self.title(of: lowered)
        for signature in signatures {
            switch signature.kind {
            case .title: if let title, title.contains(signature.pattern) { return signature }
            case .body: if lowered.contains(signature.pattern) { return signature }
            default: continue
            }
        }
        return nil
    }

    /// The text between `<title...>` and `</title>`, if any.
    static func title(of lowered: String) -> String? {
        guard let open = lowered.firstRange(of: "<title") else { return nil }
        guard let close = lowered[open.upperBound...].firstIndex(of: ">") else { return nil }
        let rest = lowered[lowered.index(after: close)...]
        guard let end = rest.firstRange(of: "</title") else { return nil }
        return String(rest[..<end.lowerBound])
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces, tabs and carriage returns (list files come from Windows too).
    var trimmingSpaces: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(self[first...last]).replacingTabs
    }

    private var replacingTabs: String { String(map { $0 == "\t" ? " " : $0 }) }

    var trimmingDot: String { hasSuffix(".") ? String(dropLast()) : String(self) }
}
