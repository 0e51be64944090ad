/// Text from outside (a config value, a file name, a command-line argument) made safe to echo in
/// one line of a message: control characters are escaped, so a newline cannot split the
/// `FILE:LINE: key: message` form and an escape sequence cannot reach the terminal, and a long
/// value is cut, so a 100,000-digit number does not fill the screen.
public enum DisplayText {
    /// Characters kept before a value is cut.
    public static let defaultLimit = 64

    /// `text` with control characters escaped (`\n`, `\t`, `\r`, `\u{1B}`) and, beyond `limit`
    /// characters, cut with a note of how many more there were.
    public static func escaped(_ text: String, limit: Int = defaultLimit) -> String {
        var out = ""
        var shown = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            guard shown < limit else { continue }
            shown += 1
            switch scalar {
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\\": out += "\\\\"
            default:
                if isControl(scalar) {
                    out += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        if total > shown { out += "… (\(total - shown) more characters)" }
        return out
    }

    /// Longest run without whitespace a message keeps: a long URL fits, a pasted key or a
    /// 100,000-digit number does not.
    public static let longestRun = 96

    /// A whole message made one safe line: control characters escaped as in ``escaped(_:limit:)``
    /// (backslashes left alone, they are the message's own), and every run of more than
    /// `longestRun` characters without whitespace cut, wherever in the message the value was
    /// echoed.
    public static func oneLine(_ message: String, longestRun: Int = longestRun) -> String {
        var out = ""
        var run: [Unicode.Scalar] = []
        func flush() {
            if run.count > longestRun {
                out.unicodeScalars.append(contentsOf: run.prefix(longestRun))
                out += "… (\(run.count - longestRun) more characters)"
            } else {
                out.unicodeScalars.append(contentsOf: run)
            }
            run.removeAll(keepingCapacity: true)
        }
        for scalar in message.unicodeScalars {
            if scalar == " " {
                flush()
                out += " "
            } else if isControl(scalar) {
                let escape: String
                switch scalar {
                case "\n": escape = "\\n"
                case "\t": escape = "\\t"
                case "\r": escape = "\\r"
                default: escape = "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                }
                run.append(contentsOf: escape.unicodeScalars)
            } else {
                run.append(scalar)
            }
        }
        flush()
        return out
    }

    /// C0, DEL and C1 controls, and the bidirectional overrides that reorder what a terminal
    /// shows.
    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) || (0x202a...0x202e).contains(scalar.value)
            || (0x2066...0x2069).contains(scalar.value)
    }
}
