/// A small append-only JSON writer for the records netwarden emits (metric samples, events,
/// `--json` reports).
///
/// Core has no Foundation, and JSONEncoder would be the wrong tool anyway: we emit flat records
/// with a fixed key order that humans diff and grep, and numbers must print the way Prometheus
/// text does (`NaN`/`+Inf` become strings, integers print without a decimal point).
public struct JSONWriter {
    /// The record so far, as UTF-8. Written as bytes rather than appended to a `String`: the
    /// writer sits on the `analyze --format json` path, where per-scalar `String` appends were
    /// a tenth of the run.
    public private(set) var bytes: [UInt8] = []
    /// One bit per open object or array (innermost lowest): whether its next member needs a comma.
    private var commaBits: UInt64 = 0
    private var depth = 0
    private var pendingValueAfterKey = false

    public init() {
        bytes.reserveCapacity(256)
    }

    /// Empties the writer for the next record, keeping its storage: a caller writing many
    /// records reuses one writer instead of allocating an array per record.
    public mutating func reset() {
        bytes.removeAll(keepingCapacity: true)
        commaBits = 0
        depth = 0
        pendingValueAfterKey = false
    }

    /// The record so far as a `String`.
    public var output: String { String(decoding: bytes, as: UTF8.self) }

    public mutating func beginObject() {
        separator()
        bytes.append(UInt8(ascii: "{"))
        open()
    }

    public mutating func endObject() {
        bytes.append(UInt8(ascii: "}"))
        close()
    }

    public mutating func beginArray() {
        separator()
        bytes.append(UInt8(ascii: "["))
        open()
    }

    public mutating func endArray() {
        bytes.append(UInt8(ascii: "]"))
        close()
    }

    /// Writes `"key":` inside an object; follow it with exactly one value.
    public mutating func key(_ key: String) {
        separator()
        Self.appendEscaped(key, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
        // The value that follows belongs to this key and must not get a comma of its own.
        pendingValueAfterKey = true
    }

    public mutating func string(_ value: String) {
        separator()
        Self.appendEscaped(value, to: &bytes)
    }

    /// A finite number; NaN and the infinities, which JSON cannot express, are written as
    /// `null` so a strict consumer still parses the line (a string in a numeric field would
    /// make it reject the whole record).
    public mutating func number(_ value: Double) {
        separator()
        if !value.isFinite {
            append("null")
        } else if value == value.rounded(), abs(value) < 1e15 {
            appendDecimal(Int64(value))
        } else {
            append("\(value)")
        }
    }

    public mutating func number(_ value: Int) {
        separator()
        appendDecimal(Int64(value))
    }

    /// A number from integer seconds and nanoseconds, exactly (`1700000000.000000123`): a Double
    /// would round capture timestamps to a few hundred nanoseconds. Nanoseconds outside
    /// `0..<1e9` carry into (or borrow from) the seconds, so the number is always the true time.
    public mutating func timestamp(seconds: Int64, nanoseconds: Int32) {
        separator()
        var seconds = seconds
        var fraction = Int64(nanoseconds)
        seconds &+= fraction / 1_000_000_000
        fraction %= 1_000_000_000
        if fraction < 0 {
            seconds &-= 1
            fraction += 1_000_000_000
        }
        // A negative time with a fraction: -0.5 s is seconds -1 plus 0.5, printed as "-0.5".
        if seconds < 0 && fraction > 0 {
            bytes.append(UInt8(ascii: "-"))
            seconds = -(seconds &+ 1)
            fraction = 1_000_000_000 - fraction
        }
        appendDecimal(seconds)
        bytes.append(UInt8(ascii: "."))
        var digits = UInt32(fraction)
        var scratch: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &scratch) { scratch in
            for index in stride(from: 8, through: 0, by: -1) {
                scratch[index] = UInt8(ascii: "0") + UInt8(digits % 10)
                digits /= 10
            }
            bytes.append(contentsOf: scratch)
        }
    }

    public mutating func bool(_ value: Bool) {
        separator()
        append(value ? "true" : "false")
    }

    public mutating func null() {
        separator()
        append("null")
    }

    public mutating func field(_ name: String, _ value: String) {
        key(name)
        string(value)
    }

    /// A string field whose value is UTF-8 text the caller formatted into a buffer of its own
    /// (an address written on the stack), so the record costs no `String` for it. The bytes must
    /// be valid UTF-8: they are escaped but not checked, as a `String`'s need not be.
    public mutating func field(_ name: String, utf8 value: UnsafeRawBufferPointer) {
        key(name)
        separator()
        Self.appendEscaped(utf8: value.assumingMemoryBound(to: UInt8.self), to: &bytes)
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

    private mutating func open() {
        precondition(depth < 64, "JSON nested deeper than 64 levels")
        depth += 1
        commaBits &<<= 1
    }

    private mutating func close() {
        depth -= 1
        commaBits &>>= 1
    }

    private mutating func separator() {
        if pendingValueAfterKey {
            pendingValueAfterKey = false
            return
        }
        guard depth > 0 else { return }
        if commaBits & 1 != 0 { bytes.append(UInt8(ascii: ",")) }
        commaBits |= 1
    }

    private mutating func append(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func appendDecimal(_ value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var scratch: (UInt64, UInt64, UInt64) = (0, 0, 0)  // 24 bytes: room for 20 digits
        withUnsafeMutableBytes(of: &scratch) { scratch in
            var start = scratch.count
            repeat {
                start -= 1
                scratch[start] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[start...]))
        }
    }

    /// JSON string literal with the escapes RFC 8259 requires.
    public static func escaped(_ value: String) -> String {
        var out: [UInt8] = []
        appendEscaped(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `value` as a JSON string literal. Only `"`, `\\` and control bytes need escaping;
    /// every other byte of valid UTF-8 (which a `String` always is) is copied as it is.
    static func appendEscaped(_ value: String, to out: inout [UInt8]) {
        var value = value
        value.withUTF8 { appendEscaped(utf8: $0, to: &out) }
    }

    /// The same for UTF-8 bytes that are not (yet) a `String`. Bytes that are not valid UTF-8
    /// are copied too: callers pass text they formatted themselves (addresses, numbers).
    static func appendEscaped(utf8: UnsafeBufferPointer<UInt8>, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in utf8.indices {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
            runStart = index + 1
            out.append(UInt8(ascii: "\\"))
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(byte)
            case UInt8(ascii: "\n"): out.append(UInt8(ascii: "n"))
            case UInt8(ascii: "\r"): out.append(UInt8(ascii: "r"))
            case UInt8(ascii: "\t"): out.append(UInt8(ascii: "t"))
            default:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0")])
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0xF)])
            }
        }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...]))
        out.append(UInt8(ascii: "\""))
    }
}
