/// The hash both the matcher's blocks and its lookups use.
///
/// Built label by label from the right, so that walking a query name once from the right yields
/// the hash of every label-boundary suffix on the way (`com`, `example.com`, `www.example.com`)
/// with no second pass per suffix. Each label is taken eight bytes at a time, lowercased in the
/// word (`lower`), so lookups need no normalised copy of the name: a 128-bit multiply per word
/// instead of one per byte, and the dots are found in the same words. FNV-1a a byte at a time
/// was the earlier hash; its multiply chain was a third of a lookup's work on cached lists.
/// The blocks and the filter use the value only after `finalized`.
enum NameHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let multiplier: UInt64 = 0xa076_1d64_78bd_642f

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// `lower` on eight bytes at once: `A`...`Z` get bit 5, every other byte (bytes of 0x80 and
    /// up included) is left alone.
    @inline(__always)
    static func lower(_ word: UInt64) -> UInt64 {
        let low = word & 0x7F7F_7F7F_7F7F_7F7F
        let atLeastA = low &+ 0x3F3F_3F3F_3F3F_3F3F  // high bit set where low >= 0x41
        let pastZ = low &+ 0x2525_2525_2525_2525  // high bit set where low >= 0x5B
        let upper = atLeastA & ~pastZ & ~word & 0x8080_8080_8080_8080
        return word | upper >> 2
    }

    /// One word into the hash: the folded 128-bit product mixes every bit into every bit.
    @inline(__always)
    static func mix(_ hash: UInt64, _ word: UInt64) -> UInt64 {
        let product = (hash ^ word).multipliedFullWidth(by: multiplier)
        return product.high ^ product.low
    }

    /// Calls `body` once per label of `name[0..<end]`, from the right, with the (unfinalised)
    /// hash of the suffix that label starts and where it starts.
    ///
    /// A label is its whole words from the right, then one last word holding its leftmost bytes
    /// (none to seven) low and its length in the top byte. Every label ends with that word, so
    /// where the dots fall always changes the hash (`abcdefgh.ijklmnop` against
    /// `abcdefghijklmnop`), and the length keeps `a` and `a\0` apart.
    @inline(__always)
    static func forEachSuffix(
        _ name: UnsafeRawBufferPointer,
        end: Int,
        _ body: (_ hash: UInt64, _ start: Int) -> Void
    ) {
        guard end > 0 else { return }
        let base = name.baseAddress!
        var hash = seed
        var labelEnd = end
        var wordEnd = end
        while true {
            // The eight bytes ending at wordEnd; before the name's start, `outside` marks them.
            var word: UInt64
            var outside: UInt64 = 0
            if wordEnd >= 8 {
                word = base.loadUnaligned(fromByteOffset: wordEnd - 8, as: UInt64.self)
            } else {
                let missing = 8 * (8 - wordEnd)
                if name.count >= 8 {
                    word = base.loadUnaligned(as: UInt64.self) << missing
                } else {
                    word = 0
                    for index in 0..<wordEnd { word |= UInt64(name[index]) << (missing + 8 * index) }
                }
                outside = ~(UInt64.max << missing) & 0x8080_8080_8080_8080
            }
            let boundaries = zeroBytes(word ^ 0x2E2E_2E2E_2E2E_2E2E) | outside
            if boundaries == 0 {
                hash = mix(hash, lower(word))
                wordEnd -= 8
                continue
            }
            // The rightmost dot (or the name's start) in the word ends the label.
            let boundary = 7 - boundaries.leadingZeroBitCount >> 3
            let labelStart = wordEnd - 7 + boundary
            let leftmost = boundary == 7 ? 0 : lower(word) >> UInt64(8 * (boundary + 1))
            hash = mix(hash, leftmost | UInt64(labelEnd - labelStart) << 56)
            body(hash, labelStart)
            if labelStart == 0 { return }
            labelEnd = labelStart - 1
            wordEnd = labelEnd
        }
    }

    /// The high bit of each byte of `word` that is zero, and no other bit (exact for every byte,
    /// unlike the borrow-based test, so later bytes can be trusted too).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & 0x8080_8080_8080_8080
    }

    /// The murmur3 64-bit finaliser: every input bit reaches every output bit.
    @inline(__always)
    static func finalized(_ hash: UInt64) -> UInt64 {
        var value = hash
        value ^= value >> 33
        value &*= 0xff51_afd7_ed55_8ccd
        value ^= value >> 33
        value &*= 0xc4ce_b9fe_1a85_ec53
        value ^= value >> 33
        return value
    }

    /// The finalised hash of a whole name (what the blocks store it under).
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var whole = seed
        forEachSuffix(bytes, end: bytes.count) { hash, _ in whole = hash }
        return finalized(whole)
    }
}
