/// Reads the settings of one table for a config section, recording every problem instead of
/// stopping at the first.
///
/// Each getter returns a usable value even when the file's value is wrong (the default), so the
/// section keeps decoding and the technician sees all its problems at once. `finish()` then
/// reports the keys nobody asked for, with a "did you mean" when one is a likely typo.
public final class ConfigTableReader {
    /// The table's dotted path (`["identity"]`); empty for the file's top level.
    public let path: [String]
    public let table: TOMLTable
    /// Where the table starts (its header); nil when the file does not have this table.
    public let location: TOMLLocation?
    public let diagnostics: ConfigDiagnostics
    private var knownKeys: [String] = []

    public init(table: TOMLTable, path: [String], location: TOMLLocation?, diagnostics: ConfigDiagnostics) {
        self.table = table
        self.path = path
        self.location = location
        self.diagnostics = diagnostics
    }

    /// Whether the file has this table at all.
    public var isPresent: Bool { location != nil }

    /// `identity.site`, the key as diagnostics name it.
    public func keyPath(_ key: String) -> String { TOMLKeyPath.display(path + [key]) }

    /// The value at `key` decoded as `type`, or `defaultValue` if it is absent or wrong.
    public func value<Value>(_ key: String, _ type: ConfigValueType<Value>, default defaultValue: Value) -> Value {
        optional(key, type) ?? defaultValue
    }

    /// The value at `key`, or nil if absent or wrong (wrong is reported).
    public func optional<Value>(_ key: String, _ type: ConfigValueType<Value>) -> Value? {
        knownKeys.append(key)
        guard let entry = table[key] else { return nil }
        // A syntax error on this line was already reported; a second message would only confuse.
        if case .invalid = entry.value.kind { return nil }
        switch type.decode(entry.value) {
        case .success(let value):
            return value
        case .failure(let problem):
            diagnostics.report(problem.code, at: entry.value.location, key: keyPath(key), problem.message)
            return nil
        }
    }

    /// A setting the file must contain. When it is missing, the error shows `example` as the
    /// line to add; `placeholder` is returned so decoding can go on.
    public func required<Value>(
        _ key: String,
        _ type: ConfigValueType<Value>,
        placeholder: Value,
        example: String
    ) -> Value {
        if let value = optional(key, type) { return value }
        if table[key] == nil, isPresent {
            diagnostics.report(
                .missingKey,
                at: location,
                key: keyPath(key),
                "missing; expected a line like \(key) = \(example)"
            )
        }
        return placeholder
    }

    // Convenience getters for the common types.

    public func string(_ key: String, default defaultValue: String) -> String {
        value(key, .string, default: defaultValue)
    }

    public func int(_ key: String, range: ClosedRange<Int>, default defaultValue: Int) -> Int {
        value(key, .int(range: range), default: defaultValue)
    }

    public func double(_ key: String, range: ClosedRange<Double>, default defaultValue: Double) -> Double {
        value(key, .double(range: range), default: defaultValue)
    }

    public func bool(_ key: String, default defaultValue: Bool) -> Bool {
        value(key, .bool, default: defaultValue)
    }

    public func seconds(_ key: String, range: ClosedRange<Double>, default defaultValue: Duration) -> Duration {
        value(key, .seconds(range: range), default: defaultValue)
    }

    public func word<Word: RawRepresentable & CaseIterable & SendableMetatype>(
        _ key: String,
        default defaultValue: Word
    ) -> Word
    where Word.RawValue == String {
        value(key, .oneOf(Word.self), default: defaultValue)
    }

    public func strings(_ key: String, default defaultValue: [String]) -> [String] {
        value(key, .strings(), default: defaultValue)
    }

    /// A nested table (`[daemon.limits]` or `limits = { ... }`). Absent gives an empty reader
    /// whose getters return defaults. The caller must `finish()` it.
    public func table(_ key: String) -> ConfigTableReader {
        knownKeys.append(key)
        guard let entry = table[key] else {
            return ConfigTableReader(table: TOMLTable(), path: path + [key], location: nil, diagnostics: diagnostics)
        }
        guard case .table(let child) = entry.value.kind else {
            if case .invalid = entry.value.kind {
            } else {
                diagnostics.report(
                    .wrongType,
                    at: entry.value.location,
                    key: keyPath(key),
                    "expected a table ([\(keyPath(key))] or { ... }), found \(entry.value.typeDescription)"
                )
            }
            return ConfigTableReader(table: TOMLTable(), path: path + [key], location: nil, diagnostics: diagnostics)
        }
        return ConfigTableReader(
            table: child,
            path: path + [key],
            location: entry.value.location,
            diagnostics: diagnostics
        )
    }

    /// An array of tables (`[[probes.http]]` blocks). Each reader must be `finish()`ed.
    public func tables(_ key: String) -> [ConfigTableReader] {
        knownKeys.append(key)
        guard let entry = table[key] else { return [] }
        let expected = "an array of tables ([[\(keyPath(key))]] blocks)"
        guard case .array(let items) = entry.value.kind else {
            if case .invalid = entry.value.kind {
            } else {
                diagnostics.report(
                    .wrongType,
                    at: entry.value.location,
                    key: keyPath(key),
                    "expected \(expected), found \(entry.value.typeDescription)"
                )
            }
            return []
        }
        var readers: [ConfigTableReader] = []
        for (index, item) in items.enumerated() {
            guard case .table(let child) = item.kind else {
                diagnostics.report(
                    .wrongType,
                    at: item.location,
                    key: keyPath(key),
                    "entry \(index + 1): expected a table, found \(item.typeDescription)"
                )
                continue
            }
            readers.append(
                ConfigTableReader(
                    table: child,
                    path: path + [key],
                    location: item.location,
                    diagnostics: diagnostics
                )
            )
        }
        return readers
    }

    /// Reports a problem found by cross-checking keys (for example one interface in two lists).
    public func report(
        _ code: ConfigDiagnostic.Code = .invalidValue,
        key: String,
        _ message: String
    ) {
        diagnostics.report(code, at: table[key]?.value.location ?? location, key: keyPath(key), message)
    }

    /// Reports every key in the table that no getter asked for.
    public func finish() {
        for entry in table.entries where !knownKeys.contains(entry.key) {
            if case .invalid = entry.value.kind { continue }
            var message = "unknown key"
            if let guess = EditDistance.suggestion(for: entry.key, among: knownKeys) {
                message += "; did you mean `\(guess)`?"
            } else {
                message += "; expected one of: \(knownKeys.joined(separator: ", "))"
            }
            diagnostics.report(.unknownKey, at: entry.keyLocation, key: keyPath(entry.key), message)
        }
    }
}
