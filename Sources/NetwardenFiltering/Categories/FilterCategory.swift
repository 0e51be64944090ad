/// A named category of domains and what it means for compliance.
public struct FilterCategory: Hashable, Sendable {
    /// The name as configured; it becomes the `category` label and event field.
    public var name: String
    public var policy: CategoryPolicy

    public init(name: String, policy: CategoryPolicy) {
        self.name = name
        self.policy = policy
    }
}
