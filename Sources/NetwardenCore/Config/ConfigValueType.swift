/// How one setting is decoded: which TOML type it must have and what values are acceptable.
///
/// Each check returns a message that says what was expected, never just "invalid", because the
/// technician reading it has the file open and no documentation at hand.
public struct ConfigValueType<Value>: Sendable {
    private let decoder: @Sendable (TOMLValue) -> Result<Value, ConfigValueProblem>

    public init(decode: @escaping @Sendable (TOMLValue) -> Result<Value, ConfigValueProblem>) {
        self.decoder = decode
    }

    public func decode(_ value: TOMLValue) -> Result<Value, ConfigValueProblem> { decoder(value) }

    /// The same type with an extra check; `check` returns what is wrong, or nil if the value is fine.
    public func checked(
        as code: ConfigDiagnostic.Code = .invalidValue,
        _ check: @escaping @Sendable (Value) -> String?
    ) -> ConfigValueType<Value> {
        ConfigValueType { value in
            decoder(value).flatMap { decoded in
                check(decoded).map { .failure(ConfigValueProblem(code, $0)) } ?? .success(decoded)
            }
        }
    }
}

extension ConfigValueType where Value == String {
    public static var string: Self {
        Self { value in
            if case .string(let text) = value.kind { return .success(text) }
            return .failure(.wrongType(expected: "a string", found: value))
        }
    }

    /// One word out of a fixed set; the error lists every allowed word.
    public static func word(of words: [String]) -> Self {
        let list = words.joined(separator: ", ")
        return Self { value in
            guard case .string(let text) = value.kind else {
                return .failure(.wrongType(expected: "one of \(list) (as a quoted string)", found: value))
            }
            guard words.contains(text) else {
                var message = "`\(text)` is not allowed; expected one of: \(list)"
                if let guess = EditDistance.suggestion(for: text, among: words) {
                    message += " (did you mean `\(guess)`?)"
                }
                return .failure(ConfigValueProblem(.invalidValue, message))
            }
            return .success(text)
        }
    }
}

extension ConfigValueType where Value: RawRepresentable & CaseIterable & SendableMetatype, Value.RawValue == String {
    /// A word decoded straight into an enum whose raw values are the allowed words.
    public static func oneOf(_ type: Value.Type) -> Self {
        let word = ConfigValueType<String>.word(of: Value.allCases.map(\.rawValue))
        return Self { value in
            word.decode(value).flatMap { text in
                Value(rawValue: text).map { .success($0) }
                    ?? .failure(ConfigValueProblem(.invalidValue, "`\(text)` is not allowed"))
            }
        }
    }
}

extension ConfigValueType where Value == Int {
    /// An integer within `range`; the error names the range.
    public static func int(range: ClosedRange<Int>) -> Self {
        Self { value in
            guard case .integer(let number) = value.kind else {
                return .failure(.wrongType(expected: "an integer", found: value))
            }
            guard let exact = Int(exactly: number), range.contains(exact) else {
                return .failure(
                    ConfigValueProblem(
                        .outOfRange,
                        "\(number) is out of range; expected an integer from \(range.lowerBound) to \(range.upperBound)"
                    )
                )
            }
            return .success(exact)
        }
    }
}

extension ConfigValueType where Value == Double {
    /// A number within `range`; integers are accepted too (`timeout = 2` means 2.0).
    public static func double(range: ClosedRange<Double>) -> Self {
        Self { value in
            let number: Double
            switch value.kind {
            case .float(let float): number = float
            case .integer(let integer): number = Double(integer)
            default: return .failure(.wrongType(expected: "a number", found: value))
            }
            guard range.contains(number) else {  // NaN is in no range
                return .failure(
                    ConfigValueProblem(
                        .outOfRange,
                        "\(ConfigValueType.format(number)) is out of range; expected a number from \(ConfigValueType.format(range.lowerBound)) to \(ConfigValueType.format(range.upperBound))"
                    )
                )
            }
            return .success(number)
        }
    }
}

extension ConfigValueType {
    /// Whole numbers print without `.0`, so `expected 1 to 3600` reads like the file does.
    static func format(_ number: Double) -> String {
        if number.isFinite, number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return "\(number)"
    }
}

extension ConfigValueType where Value == Duration {
    /// A duration written as a number of seconds (the key name says `_seconds`); fractions allowed.
    public static func seconds(range: ClosedRange<Double>) -> Self {
        Self { value in
            let number: Double
            switch value.kind {
            case .float(let float): number = float
            case .integer(let integer): number = Double(integer)
            default: return .failure(.wrongType(expected: "a number of seconds", found: value))
            }
            guard range.contains(number) else {
                return .failure(
                    ConfigValueProblem(
                        .outOfRange,
                        "\(format(number)) seconds is out of range; expected \(format(range.lowerBound)) to \(format(range.upperBound)) seconds"
                    )
                )
            }
            // Whole milliseconds: finer settings would only be rounding noise in a schedule.
            return .success(.milliseconds(Int64((number * 1000).rounded())))
        }
    }
}

extension ConfigValueType where Value == Bool {
    public static var bool: Self {
        Self { value in
            if case .boolean(let flag) = value.kind { return .success(flag) }
            if case .string(let text) = value.kind, text == "true" || text == "false" {
                return .failure(
                    ConfigValueProblem(.wrongType, "expected a boolean, found a string; write \(text) without quotes")
                )
            }
            return .failure(.wrongType(expected: "a boolean (true or false)", found: value))
        }
    }
}

extension ConfigValueType where Value == [String] {
    /// An array of strings, each passing `element` (which names the problem with one entry).
    public static func strings(_ element: ConfigValueType<String> = .string) -> Self {
        Self { value in
            guard case .array(let items) = value.kind else {
                return .failure(.wrongType(expected: "an array of strings", found: value))
            }
            var result: [String] = []
            for (index, item) in items.enumerated() {
                switch element.decode(item) {
                case .success(let text): result.append(text)
                case .failure(let problem):
                    return .failure(ConfigValueProblem(problem.code, "entry \(index + 1): \(problem.message)"))
                }
            }
            return .success(result)
        }
    }
}

/// Why a config value was refused; `ConfigTableReader` turns it into a diagnostic on the
/// value's line.
public struct ConfigValueProblem: Error, Sendable {
    public var code: ConfigDiagnostic.Code
    public var message: String

    public init(_ code: ConfigDiagnostic.Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// `expected a string, found an integer`.
    public static func wrongType(expected: String, found value: TOMLValue) -> ConfigValueProblem {
        ConfigValueProblem(.wrongType, "expected \(expected), found \(value.typeDescription)")
    }
}
