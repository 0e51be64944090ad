/// The matcher's first stage: a register-blocked Bloom filter over the hash of every listed
/// domain, small enough to stay in the last-level cache.
///
/// Most suffixes a lookup probes are not listed (`co.uk`, `www.example.com` when only
/// `example.com` is, and every suffix of an unlisted name). Asking this filter first answers
/// those from one 64-bit word in cache instead of a block of names in memory; only the few
/// percent it passes by mistake reach the blocks, which decide exactly, so a false positive costs
/// time and never changes an answer.
///
/// A key sets `bitsPerKey`' worth of filter (one byte at 8 bits) and `hashBits` bits in a
/// single word, so a probe is one load and one compare. A key's word comes from the hash's high
/// bits and its bits from its middle bits, which the blocks' tag (the low byte) does not use.
struct SuffixFilter {
    static let bitsPerKey = 8
    static let hashBits = 4

    let words: UnsafeMutablePointer<UInt64>
    let wordCount: Int

    init(entries: Int) {
        wordCount = max(1, (entries * Self.bitsPerKey + 63) / 64)
        words = UnsafeMutablePointer<UInt64>.allocate(capacity: wordCount)
        words.initialize(repeating: 0, count: wordCount)
    }

    func deallocate() { words.deallocate() }

    var byteCount: Int { wordCount * MemoryLayout<UInt64>.stride }

    @inline(__always)
    func word(_ hash: UInt64) -> Int {
        Int(hash.multipliedFullWidth(by: UInt64(wordCount)).high)
    }

    @inline(__always)
    static func mask(_ hash: UInt64) -> UInt64 {
        var mask: UInt64 = 0
        for bit in 0..<hashBits { mask |= 1 << (hash >> UInt64(8 + 6 * bit) & 63) }
        return mask
    }

    func insert(_ hash: UInt64) {
        words[word(hash)] |= Self.mask(hash)
    }

    /// The word `hash` would be in: loading it early lets several probes' misses overlap.
    @inline(__always)
    func load(_ hash: UInt64) -> UInt64 { words[word(hash)] }

    /// Whether `hash` may be listed, given the word `load` returned for it.
    @inline(__always)
    static func mayContain(_ hash: UInt64, word: UInt64) -> Bool {
        let mask = mask(hash)
        return word & mask == mask
    }
}
