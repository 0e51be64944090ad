/// Splits a list file into lines and hands each entry to the builder, by format.
///
/// Works on the caller's bytes in place: lines and words are index ranges, never `String`s,
/// because a UT1 `adult` list alone is millions of lines.
struct DomainListParser {
    let format: ListFormat
    let setID: UInt16

    /// Names every hosts file carries for the machine itself; skipped rather than refused.
    static let localNames: Set<[UInt8]> = Set(
        [
            "localhost", "localhost.localdomain", "local", "broadcasthost", "ip6-localhost", "ip6-loopback",
            "ip6-localnet", "ip6-mcastprefix", "ip6-allnodes", "ip6-allrouters", "ip6-allhosts", "0.0.0.0",
        ].map { Array($0.utf8) }
    )

    mutating func parse(
        _ bytes: UnsafeRawBufferPointer,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        var lineStart = 0
        // A UTF-8 byte order mark (Windows editors add one) is not part of the first name.
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { lineStart = 3 }
        var lineNumber = 0
        while lineStart < bytes.count {
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != UInt8(ascii: "\n") { lineEnd += 1 }
            lineNumber += 1
            let line = Self.trimmed(UnsafeRawBufferPointer(rebasing: bytes[lineStart..<lineEnd]))
            if !line.isEmpty {
                parseLine(line, number: lineNumber, into: &builder, report: &report)
            }
            lineStart = lineEnd + 1
        }
        report.lines = lineNumber
    }

    private func parseLine(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        switch format {
        case .domains, .ut1: parseDomainLine(line, number: number, into: &builder, report: &report)
        case .hosts: parseHostsLine(line, number: number, into: &builder, report: &report)
        case .adblock: parseAdBlockLine(line, number: number, into: &builder, report: &report)
        case .auto:
            switch Self.detect(line) {
            case .hosts: parseHostsLine(line, number: number, into: &builder, report: &report)
            case .adblock: parseAdBlockLine(line, number: number, into: &builder, report: &report)
            default: parseDomainLine(line, number: number, into: &builder, report: &report)
            }
        }
    }

    /// The format one line is written in, for `auto`.
    static func detect(_ line: UnsafeRawBufferPointer) -> ListFormat {
        switch line[0] {
        case UInt8(ascii: "!"), UInt8(ascii: "["): return .adblock
        case UInt8(ascii: "|"), UInt8(ascii: "@"):
            if line.count >= 2, line[1] == line[0] { return .adblock }
        default: break
        }
        let first = firstWord(line)
        if first.count < line.count, isAddressLike(first) { return .hosts }
        return .domains
    }

    private func parseDomainLine(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        let entry = Self.trimmed(Self.beforeComment(line))
        if entry.isEmpty { return }
        if Self.firstWord(entry).count < entry.count {
            report.refuse(line: number, text: entry, .extraWords)
            return
        }
        add(entry, number: number, into: &builder, report: &report)
    }

    private func parseHostsLine(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        var rest = Self.trimmed(Self.beforeComment(line))
        if rest.isEmpty { return }
        let address = Self.firstWord(rest)
        guard Self.isAddressLike(address), address.count < rest.count else {
            report.refuse(line: number, text: rest, .malformedHostsLine)
            return
        }
        rest = Self.trimmed(UnsafeRawBufferPointer(rebasing: rest[address.count...]))
        while !rest.isEmpty {
            let name = Self.firstWord(rest)
            if Self.localNames.contains(Array(name)) {
                report.skippedLocalNames += 1
            } else {
                add(name, number: number, into: &builder, report: &report)
            }
            rest = Self.trimmed(UnsafeRawBufferPointer(rebasing: rest[name.count...]))
        }
    }

    private func parseAdBlockLine(
        _ line: UnsafeRawBufferPointer,
        number: Int,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        let first = line[0]
        if first == UInt8(ascii: "!") || first == UInt8(ascii: "[") { return }  // comment, header
        if first == UInt8(ascii: "#") {
            // `# text` is a comment; `##`, `#@#`, `#?#` start cosmetic rules.
            let second = line.count > 1 ? line[1] : UInt8(ascii: " ")
            if second != UInt8(ascii: "#") && second != UInt8(ascii: "@") && second != UInt8(ascii: "?") { return }
            report.ignoredRules += 1
            return
        }
        guard line.count > 2, first == UInt8(ascii: "|"), line[1] == UInt8(ascii: "|") else {
            // Exceptions (`@@`), URL and path rules, cosmetic filters: not a domain block.
            report.ignoredRules += 1
            return
        }
        var end = 2
        while end < line.count, !Self.isAdBlockStop(line[end]) { end += 1 }
        // `||name^` and `||name^|` block the name and its subdomains; `||name` without a caret
        // does too in practice. Options (`$third-party`), paths and wildcards narrow the rule to
        // something a name alone cannot express, so those rules are counted, not used.
        let tail = UnsafeRawBufferPointer(rebasing: line[end...])
        let plain =
            tail.isEmpty
            || (tail[0] == UInt8(ascii: "^") && (tail.count == 1 || (tail.count == 2 && tail[1] == UInt8(ascii: "|"))))
        guard plain else {
            report.ignoredRules += 1
            return
        }
        add(UnsafeRawBufferPointer(rebasing: line[2..<end]), number: number, into: &builder, report: &report)
    }

    private func add(
        _ name: UnsafeRawBufferPointer,
        number: Int,
        into builder: inout CategoryMatcherBuilder,
        report: inout ListFileReport
    ) {
        if let problem = builder.append(token: name, setID: setID) {
            report.refuse(line: number, text: name, problem)
        } else {
            report.domains += 1
        }
    }

    private static func isAdBlockStop(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "^") || byte == UInt8(ascii: "$") || byte == UInt8(ascii: "/")
            || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "|")
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r")
    }

    /// Digits, hex letters, dots and colons with at least one dot or colon: good enough to tell a
    /// hosts line's address from a name (a name has a non-hex letter or no separator).
    static func isAddressLike(_ word: UnsafeRawBufferPointer) -> Bool {
        var separator = false
        for byte in word {
            switch byte {
            case UInt8(ascii: "."), UInt8(ascii: ":"): separator = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                UInt8(ascii: "A")...UInt8(ascii: "F"):
                break
            default: return false
            }
        }
        return separator
    }

    static func trimmed(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var start = 0
        var end = bytes.count
        while start < end, isSpace(bytes[start]) { start += 1 }
        while end > start, isSpace(bytes[end - 1]) { end -= 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[start..<end])
    }

    static func beforeComment(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        guard let hash = bytes.firstIndex(of: UInt8(ascii: "#")) else { return bytes }
        return UnsafeRawBufferPointer(rebasing: bytes[..<hash])
    }

    static func firstWord(_ bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        var end = 0
        while end < bytes.count, !isSpace(bytes[end]) { end += 1 }
        return UnsafeRawBufferPointer(rebasing: bytes[..<end])
    }
}
