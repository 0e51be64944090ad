/// A small append-only JSON writer for the records netwarden emits (metric samples, events,
/// `--json` reports).
///
/// Core has no Foundation, and JSONEncoder would be the wrong tool anyway: we emit flat records
/// with a fixed key order that humans diff and grep, and numbers must print the way Prometheus
/// text does (`NaN`/`+Inf` become strings, integers print without a decimal point).
public struct JSONWriter {
    public private(set) var output: String = ""
    private var needsComma: [Bool] = []

    public init() {}

    public mutating func beginObject() {
        separator()
        output += "{"
        needsComma.append(false)
    }

    public mutating func endObject() {
        output += "}"
        needsComma.removeLast()
    }

    public mutating func beginArray() {
        separator()
        output += "["
        needsComma.append(false)
    }

    public mutating func endArray() {
        output += "]"
        needsComma.removeLast()
    }

    /// Writes `"key":` inside an object; follow it with exactly one value.
    public mutating func key(_ key: String) {
        separator()
        output += Self.escaped(key)
        output += ":"
        // The value that follows belongs to this key and must not get a comma of its own.
        pendingValueAfterKey = true
    }

    private var pendingValueAfterKey = false

    public mutating func string(_ value: String) {
        separator()
        output += Self.escaped(value)
    }

    public mutating func number(_ value: Double) {
        separator()
        if value.isNaN {
            output += "\"NaN\""
        } else if value.isInfinite {
            output += value > 0 ? "\"+Inf\"" : "\"-Inf\""
        } else if value == value.rounded(), abs(value) < 1e15 {
            output += String(Int64(value))
        } else {
            output += "\(value)"
        }
    }

    public mutating func number(_ value: Int) {
        separator()
        output += String(value)
    }

    /// A number from integer seconds and nanoseconds, exactly (`1700000000.000000123`): a Double
    /// would round capture timestamps to a few hundred nanoseconds.
    public mutating func timestamp(seconds: Int64, nanoseconds: Int32) {
        separator()
        let fraction = String(nanoseconds)
        output += String(seconds) + "." + String(repeating: "0", count: max(0, 9 - fraction.count)) + fraction
    }

    public mutating func bool(_ value: Bool) {
        separator()
        output += value ? "true" : "false"
    }

    public mutating func null() {
        separator()
        output += "null"
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    public mutating func field(_ name: String, _ value: Double) {
        key(name)
        number(value)
    }

    public mutating func field(_ name: String, _ value: Int) {
        key(name)
        number(value)
    }

    public mutating func field(_ name: String, _ value: Bool) {
        key(name)
        bool(value)
    }

    private mutating func separator() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            return
        }
        guard !needsComma.isEmpty else { return }
        if needsComma[needsComma.count - 1] { output += "," }
        needsComma[needsComma.count - 1] = true
    }

    /// JSON string literal with the escapes RFC 8259 requires.
    public static func escaped(_ value: String) -> String {
        var out = "\""
        out.reserveCapacity(value.utf8.count + 2)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
        return out
    }
}
