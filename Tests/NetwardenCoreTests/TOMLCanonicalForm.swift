import NetwardenCore

/// One text form of a parsed TOML document that `TOMLReferenceScript` builds the same way from
/// Python's `tomllib` result, so the two parsers' values are compared as strings.
///
/// Strings and keys are written as the hex of their UTF-8 bytes (no escaping rules to agree on),
/// table keys sorted by those bytes, floats as the hex of their IEEE bits (no formatting to agree
/// on; every NaN is `fnan`, since TOML does not fix a NaN's payload or sign).
enum TOMLCanonicalForm {
    static func of(_ table: TOMLTable) -> String {
        let entries = table.entries.sorted { $0.key.utf8.lexicographicallyPrecedes($1.key.utf8) }
        return "{" + entries.map { quoted($0.key) + ":" + of($0.value) }.joined(separator: ",") + "}"
    }

    static func of(_ value: TOMLValue) -> String {
        switch value.kind {
        case .string(let text): "s" + quoted(text)
        case .integer(let number): "i" + String(number)
        case .float(let number): number.isNaN ? "fnan" : "f" + hex(number.bitPattern, width: 16)
        case .boolean(let flag): flag ? "true" : "false"
        case .array(let items): "[" + items.map(of).joined(separator: ",") + "]"
        case .table(let table): of(table)
        case .invalid: "invalid"
        }
    }

    private static func quoted(_ text: String) -> String {
        "\"" + text.utf8.map { hex(UInt64($0), width: 2) }.joined() + "\""
    }

    private static func hex(_ value: UInt64, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
