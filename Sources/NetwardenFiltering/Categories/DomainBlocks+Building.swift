extension DomainBlocks {
    /// Lays out the builder's records (`[length][set id, 2 bytes][lowercase name]` each) as
    /// blocks, inserting every name's hash into `filter` on the way. A name listed more than once
    /// is kept once, with the set id `merge` gives for its two set ids; nil when `merge` does.
    ///
    /// A counting sort by bucket: hash every record and count per bucket, place each record's
    /// offset and hash in its bucket's range, then write the blocks in order. Only a few flat
    /// arrays are allocated, never one per name, and duplicates are found within a bucket (equal
    /// names have equal hashes) without a dictionary of names.
    init?(
        records: UnsafeRawBufferPointer,
        entries: Int,
        bucketCount requested: Int? = nil,
        filter: SuffixFilter,
        merge: (_ kept: UInt16, _ duplicate: UInt16) -> UInt16?
    ) {
        // Offsets are stored as UInt32, and UInt32.max marks a dropped duplicate.
        precondition(records.count < Int(UInt32.max), "\(records.count) bytes of names; at most 4 GiB")
        let bucketCount = min(Self.maximumBucketCount, max(1, requested ?? Self.bucketCount(entries: entries)))

        let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: bucketCount + 1)
        defer { starts.deallocate() }
        starts.initialize(repeating: 0)
        var offset = 0
        while offset < records.count {
            let length = Int(records[offset])
            let hash = NameHash.of(UnsafeRawBufferPointer(rebasing: records[(offset + 3)..<(offset + 3 + length)]))
            filter.insert(hash)
            starts[Self.home(hash, bucketCount: bucketCount) + 1] += 1
            offset += 3 + length
        }
        for bucket in 0..<bucketCount { starts[bucket + 1] += starts[bucket] }
        let total = starts[bucketCount]

        // Each record's offset, hash and set id, grouped by bucket, in list order within one.
        let offsets = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: max(1, total))
        let hashes = UnsafeMutableBufferPointer<UInt64>.allocate(capacity: max(1, total))
        let setIDs = UnsafeMutableBufferPointer<UInt16>.allocate(capacity: max(1, total))
        let next = UnsafeMutableBufferPointer<Int>.allocate(capacity: bucketCount)
        defer {
            offsets.deallocate()
            hashes.deallocate()
            setIDs.deallocate()
            next.deallocate()
        }
        _ = next.initialize(from: starts[0..<bucketCount])
        offset = 0
        while offset < records.count {
            let length = Int(records[offset])
            let hash = NameHash.of(UnsafeRawBufferPointer(rebasing: records[(offset + 3)..<(offset + 3 + length)]))
            let bucket = Self.home(hash, bucketCount: bucketCount)
            let slot = next[bucket]
            next[bucket] = slot + 1
            offsets[slot] = UInt32(offset)
            hashes[slot] = hash
            setIDs[slot] = UInt16(records[offset + 1]) | UInt16(records[offset + 2]) << 8
            offset += 3 + length
        }

        // Drop duplicates (merging their sets into the first of their name) and size the blocks.
        let dropped = UInt32.max
        let index = UnsafeMutablePointer<UInt32>.allocate(capacity: bucketCount + 1)
        var arenaBytes = 0
        var distinct = 0
        for bucket in 0..<bucketCount {
            var kept = 0
            var nameBytes = 0
            for slot in starts[bucket]..<starts[bucket + 1] {
                let length = Int(records[Int(offsets[slot])])
                for earlier in starts[bucket]..<slot
                where hashes[earlier] == hashes[slot] && offsets[earlier] != dropped
                    && Self.sameName(records, Int(offsets[earlier]), Int(offsets[slot]))
                {
                    guard let merged = merge(setIDs[earlier], setIDs[slot]) else {
                        index.deallocate()
                        return nil
                    }
                    setIDs[earlier] = merged
                    offsets[slot] = dropped
                    break
                }
                if offsets[slot] != dropped {
                    kept += 1
                    nameBytes += length
                }
            }
            index[bucket] = UInt32(arenaBytes)
            arenaBytes += (kept < Int(Self.escapedCount) ? 1 : 5) + 4 * kept + nameBytes
            distinct += kept
            precondition(arenaBytes < Int(UInt32.max), "more than 4 GiB of blocks")
        }
        index[bucketCount] = UInt32(arenaBytes)

        let arena = UnsafeMutableRawPointer.allocate(byteCount: arenaBytes + Self.padding, alignment: 64)
        arena.initializeMemory(as: UInt8.self, repeating: 0, count: arenaBytes + Self.padding)
        for bucket in 0..<bucketCount {
            let block = arena + Int(index[bucket])
            var kept = 0
            for slot in starts[bucket]..<starts[bucket + 1] where offsets[slot] != dropped { kept += 1 }
            // Kept entries in list order.
            var tags = block + 1
            if kept < Int(Self.escapedCount) {
                block.storeBytes(of: UInt8(kept), as: UInt8.self)
            } else {
                block.storeBytes(of: Self.escapedCount, as: UInt8.self)
                block.storeBytes(of: UInt32(kept), toByteOffset: 1, as: UInt32.self)
                tags = block + 5
            }
            let lengths = tags + kept
            let sets = lengths + kept
            var name = sets + 2 * kept
            var entry = 0
            for slot in starts[bucket]..<starts[bucket + 1] where offsets[slot] != dropped {
                let record = Int(offsets[slot])
                let length = Int(records[record])
                tags.storeBytes(of: Self.tag(hashes[slot]), toByteOffset: entry, as: UInt8.self)
                lengths.storeBytes(of: UInt8(length), toByteOffset: entry, as: UInt8.self)
                sets.storeBytes(of: setIDs[slot], toByteOffset: 2 * entry, as: UInt16.self)
                name.copyMemory(from: records.baseAddress! + record + 3, byteCount: length)
                name += length
                entry += 1
            }
        }
        self.init(index: index, arena: arena, arenaBytes: arenaBytes, bucketCount: bucketCount, count: distinct)
    }

    private static func sameName(_ records: UnsafeRawBufferPointer, _ first: Int, _ second: Int) -> Bool {
        let length = Int(records[first])
        guard Int(records[second]) == length else { return false }
        for offset in 0..<length where records[first + 3 + offset] != records[second + 3 + offset] { return false }
        return true
    }
}
