/// One label of a series: a name and a value.
public struct Label: Sendable, Hashable, CustomStringConvertible {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { "\(name)=\"\(value)\"" }
}

extension [Label] {
    /// The labels sorted by name (stable for equal names), the order series keys and remote
    /// write use.
    public func sortedByName() -> [Label] {
        enumerated().sorted { a, b in
            a.element.name == b.element.name ? a.offset < b.offset : a.element.name < b.element.name
        }.map(\.element)
    }
}
