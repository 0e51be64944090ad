/// An immutable set of categorised domains answering "which categories is this name in?".
///
/// A name matches a listed domain when it is that domain or a subdomain of it, on label
/// boundaries: a listed `example.com` matches `www.example.com` but not `badexample.com`.
///
/// Layout, chosen for the 5-million-domain target (< 32 bytes a domain, > 5 M lookups/s):
/// - an arena holding each domain once as `[length][set id, 2 bytes][lowercase name]`
///   (3 bytes of overhead a domain);
/// - a `DomainTable` of cache-line buckets mapping name hashes to arena offsets (6.3 bytes a
///   domain);
/// - a table of distinct category sets, which entries point into (a domain in two categories
///   gets a set of its own; there are only ever a few hundred).
///
/// A lookup walks the query name once from the right, hashing as it goes (see `NameHash`), and
/// probes the table at each label boundary: no allocation, no normalised copy of the name.
/// A sorted arena with binary search per suffix was the alternative; it needs ~23 dependent
/// cache misses per suffix against the table's one, and an offsets array on top (4 bytes a
/// domain) to find entries in the arena.
public final class CategoryMatcher: @unchecked Sendable {
    // @unchecked: the buffers are written only in init and freed in deinit; between the two
    // the object is immutable, so concurrent lookups from any thread are safe.

    public let categories: [FilterCategory]
    /// Distinct domains held (duplicates across lists are merged).
    public let domainCount: Int
    /// Entries that repeated a domain already held (merged into its category set).
    public let duplicatesMerged: Int
    /// Which categories are `must_block`.
    public let mustBlock: CategoryMask

    private let arena: UnsafeMutableRawBufferPointer
    private let table: DomainTable
    private let sets: [CategoryMask]

    /// A matcher with no domains.
    public convenience init(categories: [FilterCategory] = []) throws(CategoryMatcherError) {
        try self.init(
            building: [],
            entries: 0,
            sets: categories.indices.map { CategoryMask(index: $0) },
            categories: categories
        )
    }

    init(
        building records: [UInt8],
        entries: Int,
        sets initialSets: [CategoryMask],
        categories: [FilterCategory]
    )
        throws(CategoryMatcherError)
    {
        self.categories = categories
        var mustBlock = CategoryMask()
        for (index, category) in categories.enumerated() where category.policy == .mustBlock {
            mustBlock.insert(index)
        }
        self.mustBlock = mustBlock

        var sets = initialSets
        var setIDs: [CategoryMask: UInt16] = [:]
        for (id, set) in sets.enumerated() { setIDs[set] = UInt16(id) }

        let table = DomainTable(entries: entries)
        let arena = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, records.count), alignment: 8)
        records.withUnsafeBytes { arena.copyMemory(from: $0) }

        // Insert every record; a record equal to one already in the table merges its category
        // set into that one and is marked dead (set id 0xFFFF) for the compaction below.
        var duplicates = 0
        var deadBytes = 0
        var offset = 0
        var failure: CategoryMatcherError?
        while offset < records.count {
            let length = Int(arena[offset])
            let name = UnsafeRawBufferPointer(rebasing: arena[(offset + 3)..<(offset + 3 + length)])
            let existing = table.insert(NameHash.of(name), offset: offset) { candidate in
                Int(arena[candidate]) == length && Self.equal(arena, candidate + 3, name, 0, length)
            }
            if let existing {
                let merged = sets[Int(Self.setID(arena, existing))].union(sets[Int(Self.setID(arena, offset))])
                if let id = setIDs[merged] {
                    Self.setSetID(arena, existing, id)
                } else if sets.count < 0xFFFF {
                    setIDs[merged] = UInt16(sets.count)
                    Self.setSetID(arena, existing, UInt16(sets.count))
                    sets.append(merged)
                } else {
                    failure = CategoryMatcherError(
                        .tooManyCategoryCombinations,
                        "more than 65,535 distinct combinations of categories; merge some categories"
                    )
                    break
                }
                Self.setSetID(arena, offset, 0xFFFF)
                duplicates += 1
                deadBytes += 3 + length
            }
            offset += 3 + length
        }
        if let failure {
            arena.deallocate()
            table.deallocate()
            throw failure
        }

        self.sets = sets
        self.domainCount = entries - duplicates
        self.duplicatesMerged = duplicates
        self.table = table
        guard deadBytes > 0 else {
            self.arena = arena
            return
        }
        // Dead records would count against bytes per domain for the matcher's whole life, so
        // squeeze them out and re-insert (a second pass only when there were duplicates).
        let compact = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, records.count - deadBytes), alignment: 8)
        var write = 0
        offset = 0
        table.clear()
        while offset < records.count {
            let length = Int(arena[offset])
            if Self.setID(arena, offset) != 0xFFFF {
                compact.baseAddress!.advanced(by: write).copyMemory(
                    from: arena.baseAddress!.advanced(by: offset),
                    byteCount: 3 + length
                )
                let name = UnsafeRawBufferPointer(rebasing: compact[(write + 3)..<(write + 3 + length)])
                _ = table.insert(NameHash.of(name), offset: write) { _ in false }
                write += 3 + length
            }
            offset += 3 + length
        }
        arena.deallocate()
        self.arena = compact
    }

    deinit {
        arena.deallocate()
        table.deallocate()
    }

    /// Bytes held for the domains: arena, hash table and the category-set table.
    public var memoryBytes: Int {
        arena.count + table.byteCount + sets.count * MemoryLayout<CategoryMask>.stride
    }

    /// The categories of a name given as UTF-8 bytes (any case; one trailing dot ignored).
    public func match(utf8 name: UnsafeRawBufferPointer) -> CategoryMatch {
        var end = name.count
        if end > 0, name[end - 1] == UInt8(ascii: ".") { end -= 1 }
        guard end > 0, end <= 253 else { return CategoryMatch() }
        var result = CategoryMatch()
        var batch = SuffixBatch()
        var hash = NameHash.seed
        var index = end
        var sawDot = false
        // Walk right to left; at each dot, `hash` covers exactly the suffix after it. Single
        // labels are never looked up: the builder refuses them, so they cannot match.
        while index > 0 {
            index -= 1
            let byte = name[index]
            if byte == UInt8(ascii: ".") {
                if sawDot, index + 1 < end {
                    collect(hash: hash, start: index + 1, into: &batch)
                    if batch.count == SuffixBatch.capacity { resolve(&batch, name: name, end: end, into: &result) }
                }
                sawDot = true
            }
            hash = NameHash.step(hash, byte)
        }
        if sawDot { collect(hash: hash, start: 0, into: &batch) }
        resolve(&batch, name: name, end: end, into: &result)
        return result
    }

    /// The categories of a name (no allocation for native strings, which event names are).
    public func match(_ name: String) -> CategoryMatch {
        if let result = name.utf8.withContiguousStorageIfAvailable({ match(utf8: UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = name
        return copy.withUTF8 { match(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Starts each suffix's bucket loading as soon as its hash is known. The loads are
    /// independent, so the CPU overlaps their cache misses; resolving suffix by suffix made a
    /// name wait for one miss per label in turn.
    @inline(__always)
    private func collect(hash: UInt64, start: Int, into batch: inout SuffixBatch) {
        let finalHash = NameHash.finalized(hash)
        let head = table.touch(table.home(finalHash))
        batch.append(hash: finalHash, packed: UInt64(start) << 48 | (head & 0xFF))
    }

    private func resolve(
        _ batch: inout SuffixBatch,
        name: UnsafeRawBufferPointer,
        end: Int,
        into result: inout CategoryMatch
    ) {
        for entry in 0..<batch.count {
            let (finalHash, packed) = batch[entry]
            // An empty home bucket is the common miss, answered without touching it again.
            if packed & 0xFF == 0 { continue }
            let start = Int(packed >> 48)
            let length = end - start
            let found = table.find(finalHash) { offset in
                Int(arena[offset]) == length && Self.equal(arena, offset + 3, name, start, length)
            }
            if let offset = found {
                result.categories = result.categories.union(sets[Int(Self.setID(arena, offset))])
                result.listedLength = max(result.listedLength, length)
            }
        }
        batch.count = 0
    }

    @inline(__always)
    private static func setID(_ arena: UnsafeMutableRawBufferPointer, _ offset: Int) -> UInt16 {
        UInt16(arena[offset + 1]) | UInt16(arena[offset + 2]) << 8
    }

    private static func setSetID(_ arena: UnsafeMutableRawBufferPointer, _ offset: Int, _ id: UInt16) {
        arena[offset + 1] = UInt8(truncatingIfNeeded: id)
        arena[offset + 2] = UInt8(truncatingIfNeeded: id >> 8)
    }

    /// Stored bytes are lowercase; the query may not be.
    @inline(__always)
    private static func equal(
        _ arena: UnsafeMutableRawBufferPointer,
        _ offset: Int,
        _ name: UnsafeRawBufferPointer,
        _ start: Int,
        _ length: Int
    ) -> Bool {
        var index = 0
        while index < length {
            if arena[offset + index] != NameHash.lower(name[start + index]) { return false }
            index += 1
        }
        return true
    }
}
