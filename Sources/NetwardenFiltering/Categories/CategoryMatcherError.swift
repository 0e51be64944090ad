/// Why a set of categories cannot become a matcher.
public struct CategoryMatcherError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, stable for callers that branch on it.
    public enum Code: Sendable, Equatable {
        case tooManyCategories
        case duplicateCategory
        case unknownCategory
        /// More distinct combinations of categories than the entry format can number (65,535).
        case tooManyCategoryCombinations
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
