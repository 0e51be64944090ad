/// One suffix of a query name on its way through the lookup stages (filter word, table bucket,
/// arena record), kept in a stack buffer of `capacity` so a lookup never allocates.
///
/// Each stage loads what the next one needs for every waiting suffix before any of them is
/// examined, so the cache misses of all suffixes of all names in a batch overlap instead of
/// following one another.
struct SuffixProbe {
    /// 42 probes of 24 bytes stay under the 1 KiB that `withUnsafeTemporaryAllocation` always
    /// places on the stack. Names with more suffixes, or batches with more, resolve in groups.
    static let capacity = 42

    /// The suffix's finalised hash.
    var hash: UInt64
    /// What the last stage loaded for the next: the filter word, then the home bucket's first
    /// eight tags, then the candidate's arena offset with its stored length above bit 32
    /// (`searchOn` when the table must be searched past the home bucket).
    var loaded: UInt64
    /// The name's index in the batch, counted from the group's first name.
    var name: UInt16
    /// Where the suffix starts in the name, and its length (a name is at most 253 bytes).
    var start: UInt8
    var length: UInt8

    static let searchOn = UInt64.max
}
