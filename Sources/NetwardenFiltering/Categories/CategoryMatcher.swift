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
///   gets a set of its own; there are only ever a few hundred);
/// - a `SuffixFilter` (1 byte a domain) that stays in cache and keeps most probes of unlisted
///   suffixes away from the table.
///
/// A lookup walks the query name once from the right, hashing as it goes (see `NameHash`), and
/// probes filter, table and arena for each label-boundary suffix a stage at a time (see
/// `SuffixProbe`): no allocation, no normalised copy of the name.
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
    /// Internal so tests can find names it passes by mistake.
    let filter: SuffixFilter
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
        let filter = SuffixFilter(entries: entries)
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
            let hash = NameHash.of(name)
            filter.insert(hash)
            let existing = table.insert(hash, offset: offset) { candidate in
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
            filter.deallocate()
            throw failure
        }

        self.sets = sets
        self.domainCount = entries - duplicates
        self.duplicatesMerged = duplicates
        self.table = table
        self.filter = filter
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
        filter.deallocate()
    }

    /// Bytes held for the domains: arena, hash table, first-stage filter and category sets.
    public var memoryBytes: Int {
        arena.count + table.byteCount + filter.byteCount + sets.count * MemoryLayout<CategoryMask>.stride
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
                var hash = NameHash.seed
                var position = end
                var sawDot = false
                // Single labels are never looked up: the builder refuses them, so they cannot match.
                while position > 0 {
                    position -= 1
                    let byte = name[position]
                    if byte == UInt8(ascii: ".") {
                        if sawDot, position + 1 < end {
                            if count == SuffixProbe.capacity {
                                resolve(probes, count, names, first, results)
                                count = 0
                                first = index
                            }
                            probes[count] = probe(hash, start: position + 1, end: end, name: index - first)
                            count += 1
                        }
                        sawDot = true
                    }
                    hash = NameHash.step(hash, byte)
                }
                if sawDot {
                    if count == SuffixProbe.capacity {
                        resolve(probes, count, names, first, results)
                        count = 0
                        first = index
                    }
                    probes[count] = probe(hash, start: 0, end: end, name: index - first)
                    count += 1
                }
            }
            resolve(probes, count, names, first, results)
        }
    }

    @inline(__always)
    private func probe(_ hash: UInt64, start: Int, end: Int, name: Int) -> SuffixProbe {
        let finalHash = NameHash.finalized(hash)
        return SuffixProbe(
            hash: finalHash,
            loaded: filter.load(finalHash),
            name: UInt16(truncatingIfNeeded: name),
            start: UInt8(truncatingIfNeeded: start),
            length: UInt8(truncatingIfNeeded: end - start)
        )
    }

    /// Takes the waiting probes through the filter, the table and the arena, a stage at a time
    /// over all of them, dropping each as soon as it is known not to be listed.
    private func resolve(
        _ probes: UnsafeMutablePointer<SuffixProbe>,
        _ count: Int,
        _ names: UnsafeBufferPointer<UnsafeRawBufferPointer>,
        _ first: Int,
        _ results: UnsafeMutablePointer<CategoryMatch>
    ) {
        var kept = 0
        for index in 0..<count {
            var probe = probes[index]
            guard SuffixFilter.mayContain(probe.hash, word: probe.loaded) else { continue }
            probe.loaded = table.touch(table.home(probe.hash))
            probes[kept] = probe
            kept += 1
        }
        var candidates = 0
        for index in 0..<kept {
            var probe = probes[index]
            let bucket = table.home(probe.hash)
            let slot = table.firstCandidate(probe.hash, in: bucket, lowTags: probe.loaded)
            if slot == DomainTable.absent { continue }
            if slot == DomainTable.searchOn {
                probe.loaded = SuffixProbe.searchOn
            } else {
                let offset = table.offset(in: bucket, slot: slot)
                probe.loaded = UInt64(offset) | UInt64(arena[offset]) << 32
            }
            probes[candidates] = probe
            candidates += 1
        }
        for index in 0..<candidates {
            let probe = probes[index]
            let name = names[first + Int(probe.name)]
            let start = Int(probe.start)
            let length = Int(probe.length)
            var found: Int?
            let offset = Int(truncatingIfNeeded: probe.loaded & 0xFFFF_FFFF)
            if probe.loaded != SuffixProbe.searchOn, Int(probe.loaded >> 32) == length,
                Self.equal(arena, offset + 3, name, start, length)
            {
                found = offset
            } else {
                // Another entry shares the tag, or the home bucket is full: search properly.
                found = table.find(probe.hash) { offset in
                    Int(arena[offset]) == length && Self.equal(arena, offset + 3, name, start, length)
                }
            }
            if let found {
                let result = results + first + Int(probe.name)
                result.pointee.categories = result.pointee.categories.union(sets[Int(Self.setID(arena, found))])
                result.pointee.listedLength = max(result.pointee.listedLength, length)
            }
        }
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
