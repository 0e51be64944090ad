/// The result of looking a name up: every category of every listed suffix, and how much of
/// the name the most specific listed domain covers.
public struct CategoryMatch: Hashable, Sendable {
    public var categories: CategoryMask
    /// Length in bytes of the longest listed suffix (`www.example.com` matching a listed
    /// `example.com` gives 11); 0 when nothing matched. Evidence quotes the listed domain with it.
    public var listedLength: Int

    public init(categories: CategoryMask = CategoryMask(), listedLength: Int = 0) {
        self.categories = categories
        self.listedLength = listedLength
    }

    public var isEmpty: Bool { categories.isEmpty }
}
