/// A parsed JSON value, as the ingest decoder reads it.
///
/// Objects keep their members in file order (a list, not a dictionary): the decoder looks keys up
/// in records of a dozen members, and labels must come back in the order the agent sent them.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([(key: String, value: JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): true
        case (.bool(let a), .bool(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.string(let a), .string(let b)): a == b
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)):
            a.count == b.count && zip(a, b).allSatisfy { $0.key == $1.key && $0.value == $1.value }
        default: false
        }
    }

    /// The member named `key` of an object (the first, if the sender repeated it).
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.first { $0.key == key }?.value
    }

    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    public var numberValue: Double? {
        if case .number(let number) = self { return number }
        return nil
    }

    /// The number as an exact integer; nil for fractions and values beyond 2^53 (a double
    /// cannot tell them apart from their neighbours).
    public var integerValue: Int64? {
        guard case .number(let number) = self, number.rounded(.towardZero) == number,
            abs(number) <= 9_007_199_254_740_992
        else { return nil }
        return Int64(number)
    }

    /// A short name for error messages: "a string", "an object".
    public var typeDescription: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}
