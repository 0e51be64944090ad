/// An immutable set of categorised domains answering "which categories is this name in?".
///
/// A name matches a listed domain when it is that domain or a subdomain of it, on label
/// boundaries: a listed `example.com` matches `www.example.com` but not `badexample.com`.
///
/// Layout, chosen for the 5-million-domain target (< 32 bytes a domain, > 5 M lookups/s), 25.7
/// bytes a domain in all:
/// - `DomainBlocks`: names hashed into buckets of about eight, each bucket one contiguous block
///   `[count][tags][lengths][set ids][names]` (4 bytes a domain over the name itself), found
///   through an index of 4-byte offsets (0.5 bytes a domain) that stays in cache;
/// - a table of distinct category sets, which entries point into (a domain in two categories
///   gets a set of its own; there are only ever a few hundred);
/// - a `SuffixFilter` (1 byte a domain) that stays in cache and keeps most probes of unlisted
///   suffixes away from the blocks.
///
/// A lookup walks the query name once from the right, hashing a label at a time (see
/// `NameHash`), and takes each label-boundary suffix through filter and index, block lines and
/// compare a stage at a time (see `SuffixProbe`): no allocation, no normalised copy of the name.
///
/// Why blocks: at 5 M domains three quarters of a lookup's time was memory, and on the KVM
/// guests we measure on TLB misses are dear (transparent huge pages did not help). The earlier layout,
/// a table of cache-line buckets holding offsets into a separate arena of names, paid two
/// dependent misses on two different pages for every hit. A block is one page (nearly always)
/// and its lines are all requested before any is examined, so a hit costs one miss's latency.
/// With the label-at-a-time hash on top, `Benchmarks/categories/run` on the 2-core KVM development
/// guest (medians of 5 alternating runs) went from 5.0 to 7.4 M lookups/s in batches of 16 and
/// from 3.1 to 3.9 M/s one name at a time, load from 2.3 to 1.4 s, memory from 30.5 to 25.7
/// bytes a domain. Single lookups stay under 5 M/s: each hit still waits for one block from
/// memory, and only a batch overlaps those waits.
/// A sorted arena with binary search per suffix was the alternative before; it needs ~23
/// dependent cache misses per suffix, and an offsets array on top (4 bytes a domain).
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

    private let blocks: DomainBlocks
    /// Internal so tests can find names it passes by mistake.
    let filter: SuffixFilter
    private let sets: [CategoryMask]
    /// Always 0, but read from memory: the compare stage ANDs the words `DomainBlocks.touch`
    /// read with it, so the optimiser cannot drop those reads as unused.
    private let touchedMask: UInt64

    /// A matcher with no domains.
    public convenience init(categories: [FilterCategory] = []) throws(CategoryMatcherError) {
        try self.init(
            building: [],
            entries: 0,
            sets: categories.indices.map { CategoryMask(index: $0) },
            categories: categories
        )
    }

    /// `bucketCount` is for tests, which force many names into one bucket.
    init(
        building records: [UInt8],
        entries: Int,
        sets initialSets: [CategoryMask],
        categories: [FilterCategory],
        bucketCount: Int? = nil
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

        let filter = SuffixFilter(entries: entries)
        // A name in two lists gets the union of their sets, numbered on first use.
        let blocks = records.withUnsafeBytes { records in
            DomainBlocks(records: records, entries: entries, bucketCount: bucketCount, filter: filter) { first, again in
                let merged = sets[Int(first)].union(sets[Int(again)])
                if let id = setIDs[merged] { return id }
                // 0xFFFF stays unused, as the limit has always been 65,535.
                guard sets.count < 0xFFFF else { return nil }
                setIDs[merged] = UInt16(sets.count)
                sets.append(merged)
                return UInt16(sets.count - 1)
            }
        }
        guard let blocks else {
            filter.deallocate()
            throw CategoryMatcherError(
                .tooManyCategoryCombinations,
                "more than 65,535 distinct combinations of categories; merge some categories"
            )
        }
        self.sets = sets
        self.domainCount = blocks.count
        self.duplicatesMerged = entries - blocks.count
        self.blocks = blocks
        self.filter = filter
        self.touchedMask = UInt64(truncatingIfNeeded: blocks.arenaBytes) >> 63
    }

    deinit {
        blocks.deallocate()
        filter.deallocate()
    }

    /// Bytes held for the domains: blocks and their index, first-stage filter and category sets.
    public var memoryBytes: Int {
        blocks.byteCount + filter.byteCount + sets.count * MemoryLayout<CategoryMask>.stride
    }

    /// The categories of a name given as UTF-8 bytes (any case; one trailing dot ignored).
    public func match(utf8 name: UnsafeRawBufferPointer) -> CategoryMatch {
        var result = CategoryMatch()
        withUnsafePointer(to: name) { name in
            lookUp(UnsafeBufferPointer(start: name, count: 1), into: &result)
        }
        return result
    }

    /// The categories of each of `names`, written to the same index of `results` (which must be
    /// at least as long): the same answers as `match(utf8:)` one by one, but the memory reads
    /// of all the names overlap, so a burst of names costs far less than the names one by one.
    public func match(
        batch names: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        into results: UnsafeMutableBufferPointer<CategoryMatch>
    ) {
        precondition(results.count >= names.count, "\(results.count) results for \(names.count) names")
        guard let results = results.baseAddress else { return }
        lookUp(names, into: results)
    }

    /// The categories of a name (no allocation for native strings, which event names are).
    public func match(_ name: String) -> CategoryMatch {
        if let result = name.utf8.withContiguousStorageIfAvailable({ match(utf8: UnsafeRawBufferPointer($0)) }) {
            return result
        }
        var copy = name
        return copy.withUTF8 { match(utf8: UnsafeRawBufferPointer($0)) }
    }

    /// Walks each name once from the right, hashing as it goes; at each label boundary the
    /// hash covers exactly the suffix after it, whose filter word starts loading at once.
    private func lookUp(
        _ names: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        into results: UnsafeMutablePointer<CategoryMatch>
    ) {
        withUnsafeTemporaryAllocation(of: SuffixProbe.self, capacity: SuffixProbe.capacity) { probes in
            let probes = probes.baseAddress!
            var count = 0
            // Probes name their name relative to `first`, which moves on whenever they resolve.
            var first = 0
            for index in 0..<names.count {
                results[index] = CategoryMatch()
                let name = names[index]
                var end = name.count
                if end > 0, name[end - 1] == UInt8(ascii: ".") { end -= 1 }
                guard end > 0, end <= 253 else { continue }
                if count == 0 {
                    first = index
                } else if index - first > Int(UInt16.max) {
                    resolve(probes, count, names, first, results)
                    count = 0
                    first = index
                }
                // Single labels are never looked up: the builder refuses them, so they cannot match.
                var labels = 0
                NameHash.forEachSuffix(name, end: end) { hash, start in
                    labels += 1
                    guard labels > 1 else { return }
                    if count == SuffixProbe.capacity {
                        resolve(probes, count, names, first, results)
                        count = 0
                        first = index
                    }
                    probes[count] = probe(hash, start: start, end: end, name: index - first)
                    count += 1
                }
            }
            resolve(probes, count, names, first, results)
        }
    }

    /// The filter word is loaded and tested here, its verdict kept as the key (`filtered` or
    /// the bucket and tag) without a branch: branching on it would mispredict often. The block's
    /// bounds are loaded at the same time, before the verdict is known: the index is in cache,
    /// and waiting for the filter before reading it made single lookups a quarter slower.
    @inline(__always)
    private func probe(_ hash: UInt64, start: Int, end: Int, name: Int) -> SuffixProbe {
        let finalHash = NameHash.finalized(hash)
        let ruledOut: UInt32 = SuffixFilter.mayContain(finalHash, word: filter.load(finalHash)) ? 0 : .max
        let key = blocks.key(finalHash)
        return SuffixProbe(
            loaded: blocks.bounds(key),
            key: key | ruledOut,
            name: UInt16(truncatingIfNeeded: name),
            start: UInt8(truncatingIfNeeded: start),
            length: UInt8(truncatingIfNeeded: end - start)
        )
    }

    /// Drops the waiting probes the filter ruled out, then takes the others through the block
    /// lines and the compare, a stage at a time over all of them.
    private func resolve(
        _ probes: UnsafeMutablePointer<SuffixProbe>,
        _ count: Int,
        _ names: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        _ first: Int,
        _ results: UnsafeMutablePointer<CategoryMatch>
    ) {
        // Written whether kept or not: a branch on the filter's verdict mispredicts often.
        var kept = 0
        for index in 0..<count {
            probes[kept] = probes[index]
            kept += probes[index].key == SuffixProbe.filtered ? 0 : 1
        }
        for index in 0..<kept {
            probes[index].loaded = blocks.touch(probes[index].loaded)
        }
        for index in 0..<kept {
            let probe = probes[index]
            let name = names[first + Int(probe.name)]
            let length = Int(probe.length)
            let start = Int(truncatingIfNeeded: probe.loaded & 0xFFFF_FFFF | probe.loaded >> 32 & touchedMask)
            let setID = blocks.setID(
                of: name.baseAddress! + Int(probe.start),
                length: length,
                tag: UInt8(truncatingIfNeeded: probe.key),
                blockAt: start
            )
            if setID >= 0 {
                let result = results + first + Int(probe.name)
                result.pointee.categories = result.pointee.categories.union(sets[setID])
                result.pointee.listedLength = max(result.pointee.listedLength, length)
            }
        }
    }
}
