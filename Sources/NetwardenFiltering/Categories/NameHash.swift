/// The hash both the matcher's table and its lookups use.
///
/// FNV-1a run from the last byte towards the first, so that walking a query name once from the
/// right yields the hash of every label-boundary suffix on the way (`com`, `example.com`,
/// `www.example.com`) with no second pass per suffix. ASCII letters are lowercased as they are
/// hashed so lookups need no normalised copy of the name. FNV's high bits mix poorly, so the
/// table uses the value only after `finalized`.
enum NameHash {
    static let seed: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    @inline(__always)
    static func lower(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    @inline(__always)
    static func step(_ hash: UInt64, _ byte: UInt8) -> UInt64 {
        (hash ^ UInt64(lower(byte))) &* prime
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

    /// The finalised hash of a whole name (what the table stores it under).
    static func of(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash = seed
        var index = bytes.count
        while index > 0 {
            index -= 1
            hash = step(hash, bytes[index])
        }
        return finalized(hash)
    }
}
