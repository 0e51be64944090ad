/// A set of category indices (0 to 127), as a lookup returns it.
///
/// A fixed 128-bit value rather than a `Set<Int>` so a lookup never allocates and the union over
/// several matching suffixes is two ORs. 128 covers every UT1 category (about 90) with room for
/// a school's own lists; the builder refuses more with a clear error.
public struct CategoryMask: Hashable, Sendable, Sequence {
    /// How many categories one matcher can hold.
    public static let capacity = 128

    public var low: UInt64
    public var high: UInt64

    /// The empty set.
    public init() {
        low = 0
        high = 0
    }

    public init(low: UInt64, high: UInt64) {
        self.low = low
        self.high = high
    }

    /// The set holding just `index`.
    public init(index: Int) {
        self.init()
        insert(index)
    }

    public var isEmpty: Bool { low == 0 && high == 0 }

    public var count: Int { low.nonzeroBitCount + high.nonzeroBitCount }

    public func contains(_ index: Int) -> Bool {
        guard index >= 0, index < Self.capacity else { return false }
        return index < 64 ? low & (1 << UInt64(index)) != 0 : high & (1 << UInt64(index - 64)) != 0
    }

    public mutating func insert(_ index: Int) {
        precondition(index >= 0 && index < Self.capacity, "category index \(index) out of range")
        if index < 64 { low |= 1 << UInt64(index) } else { high |= 1 << UInt64(index - 64) }
    }

    public func union(_ other: CategoryMask) -> CategoryMask {
        CategoryMask(low: low | other.low, high: high | other.high)
    }

    public func intersection(_ other: CategoryMask) -> CategoryMask {
        CategoryMask(low: low & other.low, high: high & other.high)
    }

    /// The indices in ascending order, without allocating.
    public struct Iterator: IteratorProtocol {
        var low: UInt64
        var high: UInt64

        public mutating func next() -> Int? {
            if low != 0 {
                let index = low.trailingZeroBitCount
                low &= low - 1
                return index
            }
            if high != 0 {
                let index = high.trailingZeroBitCount
                high &= high - 1
                return 64 + index
            }
            return nil
        }
    }

    public func makeIterator() -> Iterator { Iterator(low: low, high: high) }
}
