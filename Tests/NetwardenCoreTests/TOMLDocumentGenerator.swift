import NetwardenTestSupport

/// Random TOML documents for `TOMLDifferentialTests`, reproducible from a seed.
///
/// Mostly valid TOML 1.0 that reaches every part of the grammar (tables, arrays of tables,
/// inline tables, dotted keys, the four string forms and their escapes, integers in every base
/// with underscores, floats with exponents, inf and nan, dates and times, comments, CRLF), with a
/// few near-misses mixed into the pieces (a bad escape, a leading zero, a trailing comma in an
/// inline table) and byte-level damage applied to some whole documents afterwards.
struct TOMLDocumentGenerator {
    private var random: SeededGenerator
    private var keyCounter = 0

    init(seed: UInt64) { random = SeededGenerator(seed: seed) }

    mutating func document() -> [UInt8] {
        keyCounter = 0
        let newline = chance(0.15) ? "\r\n" : "\n"
        var lines: [String] = []
        for _ in 0..<int(0...4) { lines.append(statement()) }
        for _ in 0..<int(0...4) {
            lines.append(chance(0.3) ? "[[" + headerKey() + "]]" + trailer() : "[" + headerKey() + "]" + trailer())
            for _ in 0..<int(0...4) { lines.append(statement()) }
        }
        var bytes = Array(lines.joined(separator: newline).utf8)
        if chance(0.7) { bytes += Array(newline.utf8) }
        if chance(0.2) { damage(&bytes) }
        return bytes
    }

    // MARK: structure

    private mutating func statement() -> String {
        switch int(0..<40) {
        case 0...2: return "# " + commentText()
        case 3...5: return pad()
        case 6:
            // Lines that are not statements at all.
            return pick([
                "k = ", "= 1", "[a", "[[a]", "[]", "[ [a] ]", "a = 1 b = 2", "a.=1", ".a=1", "a..b=1", "\"a\nb\"=1",
            ])
        default: return pad() + key() + pad() + "=" + pad() + value(depth: 0) + trailer()
        }
    }

    private mutating func trailer() -> String { chance(0.25) ? pad() + "#" + commentText() : pad() }

    private mutating func commentText() -> String {
        pick(["a comment", "ünïcödé ✓", "= [x] \"q\" 'l'", "", "\t tab", "#", "\u{7F} del", "\u{01} ctrl"], rare: 2)
    }

    private mutating func pad() -> String { pick(["", " ", "  ", "\t"]) }

    /// Header keys come from a small pool so tables meet again: re-opened, extended by dotted
    /// keys, turned into arrays of tables (some of which TOML forbids).
    private mutating func headerKey() -> String {
        let segments = (0..<int(1...3)).map { _ in
            chance(0.8) ? pick(["a", "b", "servers", "x"]) : simpleKey()
        }
        return segments.joined(separator: pick([".", " . ", "."]))
    }

    private mutating func key() -> String {
        let count = chance(0.75) ? 1 : int(2...3)
        return (0..<count).map { _ in simpleKey() }.joined(separator: pick([".", ".", " .\t"]))
    }

    private mutating func simpleKey() -> String {
        keyCounter += 1
        // Mostly fresh names; an old one now and then to exercise duplicate detection, and the
        // header names, so dotted keys meet tables made by headers.
        if chance(0.1) { return pick(["a", "b", "x", "servers"]) }
        let name = chance(0.97) ? "k\(keyCounter)" : "k\(int(1...max(1, keyCounter)))"
        switch int(0..<14) {
        case 0: return "\"" + name + basicStringBody(allowNewline: false) + "\""
        case 1: return "'" + name + " .x" + "'"
        case 2: return pick(["\"\"", "''", "1234", "true", "-_-", "inf", "nan", "0x10", "1.2", "ä"], rare: 1)
        default: return name
        }
    }

    // MARK: values

    private mutating func value(depth: Int) -> String {
        let compound = depth < 4 ? 2 : 0
        switch int(0..<(10 + compound)) {
        case 0, 1: return basicString()
        case 2: return literalString()
        case 3: return multilineBasicString()
        case 4: return multilineLiteralString()
        case 5: return integer()
        case 6: return float()
        case 7: return pick(["true", "false"] + ["True", "fals", "TRUE"], rare: 3)
        case 8: return dateTime()
        case 9: return chance(0.5) ? integer() : float()
        case 10: return array(depth: depth + 1)
        default: return inlineTable(depth: depth + 1)
        }
    }

    private mutating func basicString() -> String {
        "\"" + basicStringBody(allowNewline: false) + "\""
    }

    private mutating func basicStringBody(allowNewline: Bool) -> String {
        var text = ""
        for _ in 0..<int(0...6) {
            text += pick(
                [
                    "plain", " ", "é", "中文", "😀", "\\b", "\\t", "\\n", "\\f", "\\r", "\\\"", "\\\\",
                    "\\u00E9", "\\u0000", "\\U0001F600", "\\u007f", "\t", "'",
                ] + [
                    // Near-misses: escapes TOML 1.0 does not have, out-of-range and short ones,
                    // raw control characters and DEL.
                    "\\x41", "\\e", "\\u12", "\\uD800", "\\U00110000", "\\ ", "\u{01}", "\u{7F}", "\u{1B}",
                ],
                rare: 9
            )
            if allowNewline && chance(0.2) { text += pick(["\n", "\\\n   ", "\\  \n\n  ", "\"\"", "\"", "\r\n"]) }
        }
        return text
    }

    private mutating func literalString() -> String {
        "'" + pick(["C:\\Users\\x", "<\\i\\c*\\s*>", "", "tab\there", "ünï \"q\"", "a\u{01}b", "a'b"], rare: 2) + "'"
    }

    private mutating func multilineBasicString() -> String {
        let opening = chance(0.5) ? "\"\"\"\n" : "\"\"\""
        // Up to two quotes may sit right before the closing delimiter; three more end it early.
        let closing = pick(["\"\"\"", "\"\"\"", "\"\"\"\"", "\"\"\"\"\"", "\"\"\"\"\"\""], rare: 1)
        return opening + basicStringBody(allowNewline: true) + closing
    }

    private mutating func multilineLiteralString() -> String {
        let opening = chance(0.5) ? "'''\n" : "'''"
        let body = (0..<int(0...3)).map { _ in
            pick(["text", "\n", "\\n stays", "''", "'", "é", "\r\n", "\t", "\u{01}"], rare: 1)
        }.joined()
        return opening + body + pick(["'''", "'''", "''''", "'''''", "''''''"], rare: 1)
    }

    private mutating func integer() -> String {
        switch int(0..<10) {
        case 0:
            let value = UInt64.random(in: 0...UInt64.max, using: &random) >> UInt64(int(0...63))
            return "0x" + grouped(String(value, radix: 16, uppercase: chance(0.5)))
        case 1: return "0o" + grouped(String(UInt64(int(0...1_000_000)), radix: 8))
        case 2: return "0b" + grouped(String(UInt64(int(0...4096)), radix: 2))
        case 3:
            return pick(
                [
                    "9223372036854775807", "-9223372036854775808", "+0", "-0", "0",
                    "9223372036854775808", "-9223372036854775809", "99999999999999999999",
                    "007", "+0x10", "0X10", "0x", "1__000", "1_000_", "_1", "0b102", "0o8", "1e",
                    "0x_1", "+_1", "0_1", "-0x1", "0b", "1_", "0o_7",
                ],
                rare: 20
            )
        default:
            let magnitude = UInt64.random(in: 0...UInt64(Int64.max), using: &random) >> UInt64(int(0...62))
            return pick(["", "", "+", "-"]) + grouped(String(magnitude))
        }
    }

    /// Digits with an underscore between some of them.
    private mutating func grouped(_ digits: String) -> String {
        var text = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0 && chance(0.15) { text += "_" }
            text.append(digit)
        }
        return text
    }

    private mutating func float() -> String {
        if chance(0.2) {
            return pick(
                [
                    "inf", "+inf", "-inf", "nan", "+nan", "-nan", "0.0", "-0.0", "+0.0", "1e308",
                    "1.7976931348623157e308",
                    "5e-324", "2.2250738585072014e-308", "1e400", "0.1", "6.02e+23", "1E-5", "3.14159",
                    "1.", ".5", "1.e5", "1e", "1e+", "1._0", "1_.0", "01.5", "Inf", "NaN", "1.5e1_0", "-0e0",
                ],
                rare: 10
            )
        }
        var text = pick(["", "", "+", "-"]) + grouped(String(int(0...999_999)))  // no leading zero
        let fraction = chance(0.7)
        if fraction { text += "." + grouped(String(int(0...99_999))) }
        if !fraction || chance(0.4) {
            text += pick(["e", "E"]) + pick(["", "+", "-"]) + String(int(0...320))
        }
        return text
    }

    private mutating func dateTime() -> String {
        pick(
            [
                "1979-05-27T07:32:00Z", "1979-05-27T00:32:00-07:00", "1979-05-27T00:32:00.999999+01:30",
                "1979-05-27 07:32:00Z", "1979-05-27T07:32:00", "1979-05-27T00:32:00.5", "1979-05-27", "07:32:00",
                "00:32:00.999999", "2000-02-29",
            ] + ["1979-13-27", "1979-05-27T25:00:00", "07:32", "1979-5-27", "2001-02-29"],
            rare: 5
        )
    }

    private mutating func array(depth: Int) -> String {
        let separator = chance(0.3) ? pick([",\n  ", ", # note\n", ",\r\n"]) : pick([",", ", ", " ,"])
        let items = (0..<int(0...4)).map { _ in value(depth: depth) }
        var text = "[" + pick(["", " ", "\n"]) + items.joined(separator: separator)
        if !items.isEmpty && chance(0.2) { text += "," }
        return text + pick(["", " ", "\n"]) + "]"
    }

    private mutating func inlineTable(depth: Int) -> String {
        let entries = (0..<int(0...3)).map { _ in key() + pad() + "=" + pad() + value(depth: depth) }
        var text = "{" + pad() + entries.joined(separator: pick([",", ", ", ", "]))
        // TOML 1.0 allows neither a trailing comma nor a newline inside an inline table.
        if !entries.isEmpty && chance(0.05) { text += "," }
        if chance(0.03) { text += "\n" }
        return text + pad() + "}"
    }

    // MARK: damage

    /// Bytes that matter to the grammar, plus broken UTF-8.
    private static let interesting: [UInt8] = Array("[]{}\"'=.,#\\\n\r\t _+-:eE0x".utf8) + [0x00, 0x7F, 0xC3, 0xFF]

    private mutating func damage(_ bytes: inout [UInt8]) {
        for _ in 0..<int(1...3) where !bytes.isEmpty {
            let index = int(0..<bytes.count)
            switch int(0..<4) {
            case 0: bytes.remove(at: index)
            case 1: bytes.insert(Self.interesting.randomElement(using: &random)!, at: index)
            case 2: bytes[index] = Self.interesting.randomElement(using: &random)!
            default:
                let end = min(bytes.count, index + int(1...24))
                bytes.insert(contentsOf: bytes[index..<end], at: index)
            }
        }
    }

    // MARK: random helpers

    private mutating func chance(_ probability: Double) -> Bool {
        Double.random(in: 0..<1, using: &random) < probability
    }
    private mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    private mutating func int(_ range: Range<Int>) -> Int { Int.random(in: range, using: &random) }

    /// One of `choices`; the last `rare` of them (the invalid ones) only one time in forty, so
    /// that about half of the documents stay valid.
    private mutating func pick(_ choices: [String], rare: Int = 0) -> String {
        let common = choices.count - rare
        if rare > 0 && (common == 0 || chance(0.025)) { return choices[common + int(0..<rare)] }
        return choices[int(0..<common)]
    }
}
