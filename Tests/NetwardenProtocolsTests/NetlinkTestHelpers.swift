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

/// A tiny deterministic generator so "random" splits and corruptions are reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
