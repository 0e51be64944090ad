/// The listed domains, stored as one block per hash bucket, so a lookup that gets past the
/// `SuffixFilter` reads one block in one place, and all of that block's cache lines can load at
/// the same time.
///
/// `index[b]..<index[b + 1]` is bucket `b`'s block in `arena`. A block is
/// `[count][count tags][count lengths][count set ids, 2 bytes each][names, concatenated]`. The
/// count is one byte, or 255 and then 4 bytes for a bucket that got 255 names or more (only
/// possible with deliberate hash collisions or a forced small `bucketCount`). A tag is the low
/// byte of the name's hash: `home` uses the high bits and the filter bits 8 to 31. Entries have
/// no fixed size, so a name's position is the sum of the lengths before it.
///
/// On average there are `domainsPerBucket` names in a block: about 4 cache lines for 20-byte names,
/// almost always on one 4 KiB page. The index adds 4 bytes a bucket (0.5 bytes a domain) and
/// stays in the last-level cache.
struct DomainBlocks {
    /// 8 did 5 to 8 % more batched lookups on 5 M domains than 6 or 12, single lookups the same.
    static let domainsPerBucket = 8
    /// How many cache lines of a block `touch` loads ahead; names past them are read when
    /// compared. An average block (about 190 bytes) spans 4; 3 and 5 measured the same.
    static let linesTouched = 4
    /// A bucket's number goes in the high 24 bits of a probe's key, above the tag.
    static let maximumBucketCount = 0xFF_FFFF
    /// The count byte that says a 4-byte count follows.
    static let escapedCount: UInt8 = 255
    /// Bytes after the last block, so 8-byte reads of a block's last tags or lengths stay inside.
    static let padding = 16

    let index: UnsafeMutablePointer<UInt32>
    let arena: UnsafeMutableRawPointer
    let arenaBytes: Int
    let bucketCount: Int
    /// Distinct names held.
    let count: Int

    func deallocate() {
        index.deallocate()
        arena.deallocate()
    }

    var byteCount: Int { arenaBytes + (bucketCount + 1) * MemoryLayout<UInt32>.stride }

    static func bucketCount(entries: Int) -> Int {
        min(maximumBucketCount, max(1, (entries + domainsPerBucket - 1) / domainsPerBucket))
    }

    /// Lemire's multiply-shift range reduction: any bucket count, no division.
    @inline(__always)
    static func home(_ hash: UInt64, bucketCount: Int) -> Int {
        Int(hash.multipliedFullWidth(by: UInt64(bucketCount)).high)
    }

    @inline(__always)
    static func tag(_ hash: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: hash) }

    /// The home bucket above the tag: what a probe carries from the filter to the compare.
    @inline(__always)
    func key(_ hash: UInt64) -> UInt32 {
        UInt32(truncatingIfNeeded: Self.home(hash, bucketCount: bucketCount)) << 8 | UInt32(Self.tag(hash))
    }

    /// The block of the bucket in `key`: its start in the low 32 bits, its end in the high 32
    /// (one load: the two index entries are neighbours).
    @inline(__always)
    func bounds(_ key: UInt32) -> UInt64 {
        UnsafeRawPointer(index + Int(key >> 8)).loadUnaligned(as: UInt64.self)
    }

    /// Reads a word from each of the first `linesTouched` cache lines of the block in `bounds`
    /// (fewer when it is shorter: the last line is then read again, which costs nothing), so
    /// they are all in flight at once. The words come back folded into the high half of the
    /// result, above the block's start; the compare stage folds them into nothing, but the
    /// compiler cannot know that and must keep the reads.
    @inline(__always)
    func touch(_ bounds: UInt64) -> UInt64 {
        let start = Int(truncatingIfNeeded: bounds & 0xFFFF_FFFF)
        let end = Int(truncatingIfNeeded: bounds >> 32)
        let first = start & ~63
        let last = (end - 1) & ~63
        var touched: UInt64 = 0
        for line in 0..<Self.linesTouched {
            touched ^= arena.load(fromByteOffset: min(first + line * 64, last), as: UInt64.self)
        }
        return UInt64(start) | touched << 32
    }

    /// The set id of the name `query[0..<length]` (any case) in the block starting at `start`,
    /// or -1 when the block does not hold it.
    @inline(__always)
    func setID(of query: UnsafeRawPointer, length: Int, tag: UInt8, blockAt start: Int) -> Int {
        let block = arena + start
        let count = Int(block.load(as: UInt8.self))
        guard count <= 16 else { return Self.setID(of: query, length: length, tag: tag, inLongBlock: block) }
        // Up to 16 entries (nearly every block) without a loop whose trip count depends on the
        // block: the block has only just arrived from memory, and a branch mispredicted on it
        // throws away the next lookup's work that ran ahead meanwhile.
        let tags = block + 1
        let lengths = tags + count
        let pattern = UInt64(tag) &* 0x0101_0101_0101_0101
        let low = NameHash.zeroBytes(tags.loadUnaligned(as: UInt64.self) ^ pattern) & Self.firstBytes(count)
        let high =
            NameHash.zeroBytes(tags.loadUnaligned(fromByteOffset: 8, as: UInt64.self) ^ pattern)
            & Self.firstBytes(count - 8)
        var matches = Self.gather(low) | Self.gather(high) << 8
        while matches != 0 {
            let entry = matches.trailingZeroBitCount
            matches &= matches &- 1
            guard Int(lengths.load(fromByteOffset: entry, as: UInt8.self)) == length else { continue }
            let before =
                Self.sumOfBytes(lengths.loadUnaligned(as: UInt64.self) & Self.firstBytes(entry))
                + Self.sumOfBytes(
                    lengths.loadUnaligned(fromByteOffset: 8, as: UInt64.self) & Self.firstBytes(entry - 8)
                )
            if Self.equal(lengths + 3 * count + before, query, length) {
                return Int((lengths + count).loadUnaligned(fromByteOffset: 2 * entry, as: UInt16.self))
            }
        }
        return -1
    }

    /// `setID` for a block of more than 16 entries, eight tags at a time.
    static func setID(of query: UnsafeRawPointer, length: Int, tag: UInt8, inLongBlock block: UnsafeRawPointer) -> Int {
        var count = Int(block.load(as: UInt8.self))
        var tags = block + 1
        if count == Int(Self.escapedCount) {
            count = Int(block.loadUnaligned(fromByteOffset: 1, as: UInt32.self))
            tags = block + 5
        }
        let lengths = tags + count
        let pattern = UInt64(tag) &* 0x0101_0101_0101_0101
        var group = 0
        while group < count {
            var matches = NameHash.zeroBytes(tags.loadUnaligned(fromByteOffset: group, as: UInt64.self) ^ pattern)
            matches &= firstBytes(count - group)
            while matches != 0 {
                let entry = group + matches.trailingZeroBitCount >> 3
                matches &= matches &- 1
                guard Int(lengths.load(fromByteOffset: entry, as: UInt8.self)) == length else { continue }
                var before = 0
                var offset = 0
                while offset < entry {
                    before += sumOfBytes(
                        lengths.loadUnaligned(fromByteOffset: offset, as: UInt64.self) & firstBytes(entry - offset)
                    )
                    offset += 8
                }
                if equal(lengths + 3 * count + before, query, length) {
                    return Int((lengths + count).loadUnaligned(fromByteOffset: 2 * entry, as: UInt16.self))
                }
            }
            group += 8
        }
        return -1
    }

    /// A mask of the first `count` bytes of a word: none for 0 or less, all for 8 or more.
    @inline(__always)
    static func firstBytes(_ count: Int) -> UInt64 {
        UInt64.max >> (64 - 8 * min(max(count, 0), 8))
    }

    /// The high bits of the eight bytes of `word` (as `zeroBytes` leaves them) as eight low bits.
    @inline(__always)
    static func gather(_ word: UInt64) -> UInt64 {
        (word >> 7 &* 0x0102_0408_1020_4080) >> 56
    }

    /// The sum of the eight bytes of `word` (lengths of entries before the one wanted).
    @inline(__always)
    static func sumOfBytes(_ word: UInt64) -> Int {
        // Pairs of bytes into 16-bit lanes (at most 510 each), then the four lanes at the top.
        let pairs = (word & 0x00FF_00FF_00FF_00FF) &+ (word >> 8 & 0x00FF_00FF_00FF_00FF)
        return Int(truncatingIfNeeded: (pairs &* 0x0001_0001_0001_0001) >> 48)
    }

    /// Whether the stored (lowercase) `name` equals `query` lowercased as `NameHash.lower` does.
    @inline(__always)
    static func equal(_ name: UnsafeRawPointer, _ query: UnsafeRawPointer, _ length: Int) -> Bool {
        if length < 8 {
            for offset in 0..<length
            where name.load(fromByteOffset: offset, as: UInt8.self)
                != NameHash.lower(query.load(fromByteOffset: offset, as: UInt8.self))
            {
                return false
            }
            return true
        }
        var offset = 0
        while offset < length - 8 {
            if name.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != NameHash.lower(query.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            {
                return false
            }
            offset += 8
        }
        // The last eight bytes, overlapping the ones already compared: no byte loop for the tail.
        return name.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
            == NameHash.lower(query.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
    }
}
