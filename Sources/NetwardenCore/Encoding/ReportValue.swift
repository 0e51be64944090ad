/// A small ordered document for one-shot reports (`netwarden probe ... [--json]`): the same
/// value prints as one JSON object for scripts and as aligned `key: value` lines for people, so
/// the two never disagree.
public indirect enum ReportValue: Sendable, Equatable {
    case string(String)
    case number(Double)
    case integer(Int)
    case bool(Bool)
    case null
    case object([ReportField])
    case array([ReportValue])

    /// Compact JSON on one line.
    public var json: String {
        var writer = JSONWriter()
        write(to: &writer)
        return writer.output
    }

    private func write(to writer: inout JSONWriter) {
        switch self {
        case .string(let value): writer.string(value)
        case .number(let value): writer.number(value)
        case .integer(let value): writer.number(value)
        case .bool(let value): writer.bool(value)
        case .null: writer.null()
        case .object(let fields):
            writer.beginObject()
            for field in fields {
                writer.key(field.key)
                field.value.write(to: &writer)
            }
            writer.endObject()
        case .array(let values):
            writer.beginArray()
            for value in values { value.write(to: &writer) }
            writer.endArray()
        }
    }

    /// Indented `key: value` lines; nested objects indent by two spaces.
    public func text(indent: Int = 0) -> [String] {
        guard case .object(let fields) = self else { return [String(repeating: " ", count: indent) + inline] }
        let width = fields.map(\.key.count).max() ?? 0
        var lines: [String] = []
        for field in fields {
            let pad = String(repeating: " ", count: indent)
            if case .object = field.value {
                lines.append(pad + field.key + ":")
                lines += field.value.text(indent: indent + 2)
            } else {
                lines.append(
                    pad + field.key + ":" + String(repeating: " ", count: width - field.key.count + 1)
                        + field.value.inline
                )
            }
        }
        return lines
    }

    private var inline: String {
        switch self {
        case .string(let value): value
        case .number(let value): Self.format(value)
        case .integer(let value): String(value)
        case .bool(let value): value ? "yes" : "no"
        case .null: "-"
        case .object: json
        case .array(let values): values.map(\.inline).joined(separator: ", ")
        }
    }

    /// Numbers for people: fixed point to the microsecond (RTTs are seconds), never an exponent.
    static func format(_ value: Double) -> String {
        if value.isNaN || value.isInfinite { return "\(value)" }
        if value == value.rounded() && abs(value) < 1e15 { return String(Int64(value)) }
        guard abs(value) < 1e12 else { return "\(value)" }
        let micro = Int64((abs(value) * 1_000_000).rounded())
        var fraction = String(micro % 1_000_000)
        fraction = String(repeating: "0", count: 6 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        let sign = value < 0 && micro != 0 ? "-" : ""
        return sign + String(micro / 1_000_000) + (fraction.isEmpty ? "" : "." + fraction)
    }
}

/// One named entry of a `ReportValue.object`.
public struct ReportField: Sendable, Equatable {
    public var key: String
    public var value: ReportValue

    public init(_ key: String, _ value: ReportValue) {
        self.key = key
        self.value = value
    }
}
