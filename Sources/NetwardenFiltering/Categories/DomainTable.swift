/// The hash table from names to their arena records: buckets of one cache line each.
///
/// A bucket is 64 bytes: 12 one-byte tags (low hash bits; 0 = empty), 4 spare bytes, then 12
/// `UInt32` arena offsets. Tags and offsets share the line, so a probe costs one cache miss (and
/// one TLB miss) before the arena is read; with separate tag and offset arrays it cost two, and
/// the lookup rate on 5 M domains was half. Buckets fill in order and are never emptied, so a
/// bucket with a free tag ends a search. At most 85 % of the tags are used: 6.3 bytes a domain.
struct DomainTable {
    static let bucketBytes = 64
    static let slotsPerBucket = 12
    static let offsetsStart = 16

    let buckets: UnsafeMutableRawBufferPointer
    let bucketCount: Int

    init(entries: Int) {
        bucketCount = max(1, (entries * 100 / 85 + Self.slotsPerBucket - 1) / Self.slotsPerBucket)
        buckets = UnsafeMutableRawBufferPointer.allocate(
            byteCount: bucketCount * Self.bucketBytes,
            alignment: Self.bucketBytes
        )
        buckets.initializeMemory(as: UInt8.self, repeating: 0)
    }

    func deallocate() { buckets.deallocate() }

    func clear() { buckets.initializeMemory(as: UInt8.self, repeating: 0) }

    var byteCount: Int { buckets.count }

    /// Low 8 bits as the tag (never 0, which marks a free slot); the bucket comes from the high
    /// bits, so the two are independent.
    @inline(__always)
    static func tag(_ hash: UInt64) -> UInt8 {
        let tag = UInt8(truncatingIfNeeded: hash)
        return tag == 0 ? 1 : tag
    }

    /// Lemire's multiply-shift range reduction: any bucket count, no division.
    @inline(__always)
    func home(_ hash: UInt64) -> Int {
        Int(hash.multipliedFullWidth(by: UInt64(bucketCount)).high)
    }

    /// The first bytes of a bucket, read only to start its cache line loading early.
    @inline(__always)
    func touch(_ bucket: Int) -> UInt64 {
        buckets.load(fromByteOffset: bucket * Self.bucketBytes, as: UInt64.self)
    }

    /// `firstCandidate` found no entry: a free slot came before any matching tag, and buckets
    /// fill in order, so the name is not held.
    static let absent = -1
    /// `firstCandidate` met a full bucket without a matching tag: the search goes on in the next.
    static let searchOn = -2

    /// The first slot of `bucket` tagged like `hash` before its first free slot, `absent` or
    /// `searchOn`; `lowTags` is the bucket's first eight bytes, already loaded. All twelve tags
    /// are compared at once (a byte loop took a branch per slot, mispredicted on every lookup).
    @inline(__always)
    func firstCandidate(_ hash: UInt64, in bucket: Int, lowTags: UInt64) -> Int {
        let pattern = UInt64(Self.tag(hash)) &* 0x0101_0101_0101_0101
        let highTags = UInt64(buckets.load(fromByteOffset: bucket * Self.bucketBytes + 8, as: UInt32.self))
        let freeLow = Self.zeroBytes(lowTags)
        let freeHigh = Self.zeroBytes(highTags) & 0x8080_8080
        let matchLow = Self.zeroBytes(lowTags ^ pattern)
        let matchHigh = Self.zeroBytes(highTags ^ pattern) & 0x8080_8080
        let firstFree = freeLow != 0 ? freeLow.trailingZeroBitCount >> 3 : 8 + freeHigh.trailingZeroBitCount >> 3
        let firstMatch = matchLow != 0 ? matchLow.trailingZeroBitCount >> 3 : 8 + matchHigh.trailingZeroBitCount >> 3
        if firstMatch < firstFree { return firstMatch }
        return firstFree < Self.slotsPerBucket ? Self.absent : Self.searchOn
    }

    /// The arena offset in `slot` of `bucket`.
    @inline(__always)
    func offset(in bucket: Int, slot: Int) -> Int {
        Int(buckets.load(fromByteOffset: bucket * Self.bucketBytes + Self.offsetsStart + slot * 4, as: UInt32.self))
    }

    /// The high bit of each byte of `word` that is zero, and no other bit (exact for every byte,
    /// unlike the borrow-based test, so later bytes can be trusted too).
    @inline(__always)
    static func zeroBytes(_ word: UInt64) -> UInt64 {
        ~(((word & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | word) & 0x8080_8080_8080_8080
    }

    /// Calls `isMatch` with the arena offset of each entry whose tag matches, until it returns
    /// true (giving that offset) or the search meets a free slot (nil).
    @inline(__always)
    func find(_ hash: UInt64, isMatch: (Int) -> Bool) -> Int? {
        let wanted = Self.tag(hash)
        var bucket = home(hash)
        while true {
            let base = bucket * Self.bucketBytes
            for slot in 0..<Self.slotsPerBucket {
                let tag = buckets[base + slot]
                if tag == 0 { return nil }
                if tag == wanted {
                    let offset = Int(
                        buckets.load(fromByteOffset: base + Self.offsetsStart + slot * 4, as: UInt32.self)
                    )
                    if isMatch(offset) { return offset }
                }
            }
            bucket += 1
            if bucket == bucketCount { bucket = 0 }
        }
    }

    /// Stores `offset` under `hash` unless `isMatch` recognises an equal entry already there,
    /// whose offset is then returned.
    func insert(_ hash: UInt64, offset: Int, isMatch: (Int) -> Bool) -> Int? {
        let wanted = Self.tag(hash)
        var bucket = home(hash)
        while true {
            let base = bucket * Self.bucketBytes
            for slot in 0..<Self.slotsPerBucket {
                let tag = buckets[base + slot]
                if tag == 0 {
                    buckets[base + slot] = wanted
                    buckets.storeBytes(
                        of: UInt32(offset),
                        toByteOffset: base + Self.offsetsStart + slot * 4,
                        as: UInt32.self
                    )
                    return nil
                }
                if tag == wanted {
                    let existing = Int(
                        buckets.load(fromByteOffset: base + Self.offsetsStart + slot * 4, as: UInt32.self)
                    )
                    if isMatch(existing) { return existing }
                }
            }
            bucket += 1
            if bucket == bucketCount { bucket = 0 }
        }
    }
}
