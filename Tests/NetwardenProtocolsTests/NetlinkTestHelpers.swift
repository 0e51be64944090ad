import Testing

/// `#require` for optionals inside `withUnsafeBytes` closures, where the macro's expansion
/// trips "no calls to throwing functions" (an error under warnings-as-errors).
struct MissingValue: Error, CustomStringConvertible {
    let location: SourceLocation
    var description: String { "expected a value at \(location)" }
}

func unwrap<T>(_ value: T?, sourceLocation: SourceLocation = #_sourceLocation) throws -> T {
    guard let value else {
        Issue.record("expected a value", sourceLocation: sourceLocation)
        throw MissingValue(location: sourceLocation)
    }
    return value
}
