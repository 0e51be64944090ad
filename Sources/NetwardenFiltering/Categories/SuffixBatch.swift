/// Up to eight suffixes of one query name waiting to be resolved, on the stack.
///
/// A tuple rather than an array: a lookup must not allocate. Eight covers all but the rarest
/// names (nine labels or more), which simply resolve in several batches.
struct SuffixBatch {
    static let capacity = 8

    private var hashes: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var packed: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0

    @inline(__always)
    mutating func append(hash: UInt64, packed value: UInt64) {
        withUnsafeMutableBytes(of: &hashes) { $0.storeBytes(of: hash, toByteOffset: count * 8, as: UInt64.self) }
        withUnsafeMutableBytes(of: &packed) { $0.storeBytes(of: value, toByteOffset: count * 8, as: UInt64.self) }
        count += 1
    }

    @inline(__always)
    subscript(index: Int) -> (hash: UInt64, packed: UInt64) {
        let hash = withUnsafeBytes(of: hashes) { $0.load(fromByteOffset: index * 8, as: UInt64.self) }
        let value = withUnsafeBytes(of: packed) { $0.load(fromByteOffset: index * 8, as: UInt64.self) }
        return (hash, value)
    }
}
