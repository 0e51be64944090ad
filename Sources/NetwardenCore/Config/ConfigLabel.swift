/// Checks for identity values (trust, site, gateway names).
///
/// They become Prometheus label values and file names in the collector's store, so they are
/// limited to a character set that is safe in both and short enough for a DNS label.
public enum ConfigLabel {
    public static let maximumLength = 63

    /// What is wrong with `text` as an identity name, or nil if it is fine.
    public static func problem(with text: String) -> String? {
        let rule =
            "expected 1 to \(maximumLength) characters of A-Z a-z 0-9 . _ - (it becomes a metric label value and a file name)"
        if text.isEmpty { return "must not be empty; \(rule)" }
        if text == "." || text == ".." { return "`\(text)` is not allowed; \(rule)" }
        if let bad = text.unicodeScalars.first(where: { !isAllowed($0) }) {
            return "`\(text)` contains \(describe(bad)); \(rule)"
        }
        if text.utf8.count > maximumLength { return "is \(text.utf8.count) characters long; \(rule)" }
        return nil
    }

    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
        default: false
        }
    }

    /// A character named so it is visible in a one-line message (a space is otherwise invisible).
    static func describe(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case " ": "a space"
        case "\t": "a tab"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            "control character U+" + String(scalar.value, radix: 16, uppercase: true)
        default: "`\(scalar)`"
        }
    }
}
