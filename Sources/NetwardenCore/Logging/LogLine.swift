/// Formats one log event as one logfmt-style line a technician can read and grep.
///
/// Shape: `[<N>|TIMESTAMP ]level=info site=... component=... key=value msg="..."`.
/// The identity and component come first because that is what a technician scans for when
/// tailing several gateways; `msg` is last so long messages do not push the keys off screen.
/// Values that hold secrets (by key name) are replaced with `<redacted>` here, the one place every
/// line passes through, so a careless `logger.info(..., metadata: ["token": ...])` cannot leak.
public enum LogLine {
    /// Keys printed before the others, in this order, when present.
    public static let leadingKeys = ["site", "component", "probe", "interface"]

    /// Formats a line. `prefix` is either `<N>` (journald) or a timestamp followed by a space.
    public static func format(
        prefix: String,
        severity: LogSeverity,
        message: String,
        fields: [(key: String, value: String)]
    ) -> String {
        var line = prefix
        line.reserveCapacity(prefix.utf8.count + message.utf8.count + 64)
        line += "level="
        line += severity.rawValue
        var rest = fields
        for key in leadingKeys {
            if let index = rest.firstIndex(where: { $0.key == key }) {
                append(field: rest[index], to: &line)
                rest.remove(at: index)
            }
        }
        for field in rest.sorted(by: { $0.key < $1.key }) {
            append(field: field, to: &line)
        }
        line += " msg="
        line += quoted(message)
        return line
    }

    /// Whether a metadata key names a secret. Matches whole words separated by `_`, `-` or `.`
    /// so `api_key` and `collector.token` are caught but `monkey` is not.
    public static func isSecretKey(_ key: String) -> Bool {
        let words = key.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." })
        return words.contains { secretWords.contains(String($0)) }
    }

    private static let secretWords: Set<String> = [
        "token", "secret", "password", "passwd", "key", "authorization", "auth", "credential",
        "credentials", "bearer", "cookie",
    ]

    private static func append(field: (key: String, value: String), to line: inout String) {
        line += " "
        line += sanitizedKey(field.key)
        line += "="
        line += isSecretKey(field.key) ? "<redacted>" : quoted(field.value)
    }

    private static func sanitizedKey(_ key: String) -> String {
        let ok = key.unicodeScalars.allSatisfy { $0.isLogKeyCharacter }
        return ok && !key.isEmpty ? key : String(key.unicodeScalars.map { $0.isLogKeyCharacter ? Character($0) : "_" })
    }

    /// Quotes a value only when it needs it, and escapes anything that could break the
    /// one-event-per-line promise (newlines, control bytes) or confuse a parser (quotes).
    public static func quoted(_ value: String) -> String {
        let needsQuotes =
            value.isEmpty
            || value.unicodeScalars.contains {
                $0 == " " || $0 == "=" || $0 == "\"" || $0.value < 0x20 || $0.value == 0x7f
            }
        guard needsQuotes else { return value }
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7f {
                    out += "\\x" + hex2(UInt8(scalar.value))
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }

    private static func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xf)]])
    }
}

extension Unicode.Scalar {
    fileprivate var isLogKeyCharacter: Bool {
        (self >= "a" && self <= "z") || (self >= "A" && self <= "Z") || (self >= "0" && self <= "9")
            || self == "_" || self == "." || self == "-"
    }
}
