/// One suffix of a query name on its way through the lookup stages (filter word, block bounds,
/// block lines, compare), kept in a stack buffer of `capacity` so a lookup never allocates.
///
/// Each stage loads what the next one needs for every waiting suffix before any of them is
/// examined, so the cache misses of all suffixes of all names in a batch overlap instead of
/// following one another.
struct SuffixProbe {
    /// 64 probes of 16 bytes fill the 1 KiB that `withUnsafeTemporaryAllocation` always places on
    /// the stack: a batch of 16 typical names (two or three suffixes each) resolves in one group.
    /// Names with more suffixes, or batches with more, resolve in groups.
    static let capacity = 64

    /// What the last stage loaded for the next: the block's bounds, then its start with the
    /// touched lines folded in above bit 32.
    var loaded: UInt64
    /// The suffix's home bucket (high 24 bits) and tag (low 8), or `filtered`.
    var key: UInt32
    /// The name's index in the batch, counted from the group's first name.
    var name: UInt16
    /// Where the suffix starts in the name, and its length (a name is at most 253 bytes).
    var start: UInt8
    var length: UInt8

    /// The key of a suffix the filter ruled out (no bucket has this number).
    static let filtered = UInt32.max
}
