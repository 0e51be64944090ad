/// The engine's flows: a fixed slab of records, an open-addressing index over it, and one
/// least-recently-seen list per idle-timeout lane.
///
/// Everything is allocated once in `init` for `capacity` flows, so creating, finding and
/// dropping flows never allocates. Records are initialised up to a high-water mark only as
/// flows first need them: a 262k-flow table costs its page faults when the link is busy, not
/// 32 MiB and tens of milliseconds at start-up (which `netwarden analyze` of a small file felt).
/// The index uses linear probing at a load factor of at most one half, with backward-shift
/// deletion (no tombstones, so lookups never slow down as flows churn). Each slot holds the low
/// 32 bits of the flow's hash next to its record number, so a probe rejects almost every
/// non-matching slot without touching the record.
///
/// The index's memory is allocated for `capacity` flows too, but only a prefix of it is in use:
/// twice the most flows held so far, doubling (rehashed in place) as the count passes half of
/// it. A 262k-flow table holding 4,000 flows then probes 64 KiB of slots instead of 4 MiB, in
/// which each flow's slot had a cache line of its own: every bulk packet's lookup missed the
/// core's L2 twice (slot, then record), and now mostly once.
///
/// Recency is tracked at one-second granularity: a packet moves its flow to the tail of its lane
/// only when the second changes. A bulk flow therefore costs a store of its time per packet and
/// a relink once a second, and each lane stays ordered by last second seen, which is what lets
/// expiry stop at the first head that is still alive. Idle timeouts are honoured to within a
/// second.
struct FlowTable: ~Copyable {
    /// Most flows held at once.
    let capacity: Int
    /// `capacity` records, each at a multiple of `recordStride` from a 64-byte aligned start.
    private let slab: UnsafeMutableRawPointer
    private let slots: UnsafeMutablePointer<UInt64>
    /// The slots in use (a power of two) minus one.
    private var slotMask: Int
    /// The most slots the index can grow to (a power of two, at least twice `capacity`).
    private let slotLimit: Int
    private let freeList: UnsafeMutablePointer<Int32>
    private var freeCount: Int
    /// Head and tail record numbers per lane (-1 when empty), heads first.
    private let laneEnds: UnsafeMutablePointer<Int32>
    /// Flows currently held.
    private(set) var count = 0
    /// Records `0..<initialized` hold valid `FlowRecord`s; the rest is untouched memory. The
    /// free list hands out the lowest numbers first, so this grows by one at a time.
    private var initialized = 0

    init(capacity requested: Int) {
        capacity = max(1, min(requested, Int(Int32.max / 2)))
        // Cache-line aligned records, so each one's first line holds its per-packet fields (see
        // `FlowRecord`). Swift's own stride (120 bytes now) would let records drift across lines.
        precondition(MemoryLayout<FlowRecord>.size <= Self.recordStride, "FlowRecord outgrew its slab stride")
        slab = .allocate(byteCount: capacity * Self.recordStride, alignment: 64)
        var slotCount = 2
        while slotCount < capacity * 2 { slotCount <<= 1 }
        slotLimit = slotCount
        slots = .allocate(capacity: slotCount)
        // Only the prefix in use is ever written (or faulted in); growth clears what it takes.
        let initialSlots = min(slotCount, Self.initialSlots)
        slots.initialize(repeating: 0, count: initialSlots)
        slotMask = initialSlots - 1
        freeList = .allocate(capacity: capacity)
        // Lowest numbers on top, so a lightly used table touches little memory.
        for index in 0..<capacity { freeList[index] = Int32(capacity - 1 - index) }
        freeCount = capacity
        laneEnds = .allocate(capacity: FlowLane.count * 2)
        laneEnds.initialize(repeating: -1, count: FlowLane.count * 2)
    }

    deinit {
        for index in 0..<initialized { record(Int32(index)).deinitialize(count: 1) }
        slab.deallocate()
        slots.deallocate()
        freeList.deallocate()
        laneEnds.deallocate()
    }

    var isFull: Bool { freeCount == 0 }

    /// The record numbered `index`, for in-place reads and writes.
    @inline(__always)
    func record(_ index: Int32) -> UnsafeMutablePointer<FlowRecord> {
        (slab + Int(index) &* Self.recordStride).assumingMemoryBound(to: FlowRecord.self)
    }

    /// Bytes from one record to the next: two cache lines.
    static let recordStride = 128

    /// Slots in use before the first flow: 8 KiB, enough for 512 flows.
    static let initialSlots = 1024

    /// Slots in use now (tests check the growth).
    var slotsInUse: Int { slotMask + 1 }

    /// The record holding `key`, if any.
    @inline(__always)
    func find(_ key: FlowKey, hash: UInt64) -> Int32? {
        let tag = hash & 0xffff_ffff
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == 0 { return nil }
            if entry >> 32 == tag {
                let index = Int32(truncatingIfNeeded: entry & 0xffff_ffff) - 1
                if record(index).pointee.key == key { return index }
            }
            slot = (slot + 1) & slotMask
        }
    }

    /// Takes a free record for `key` (known to be absent) and indexes it; `nil` when full.
    mutating func insert(_ key: FlowKey, hash: UInt64, lane: FlowLane, time: Int64) -> Int32? {
        guard freeCount > 0 else { return nil }
        if (count + 1) * 2 > slotMask + 1 && slotMask + 1 < slotLimit { growIndex() }
        freeCount -= 1
        let index = freeList[freeCount]
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while slots[slot] != 0 { slot = (slot + 1) & slotMask }
        slots[slot] = (hash & 0xffff_ffff) << 32 | UInt64(index + 1)
        let record = self.record(index)
        if Int(index) >= initialized {
            for fresh in initialized...Int(index) {
                (slab + fresh * Self.recordStride).initializeMemory(as: FlowRecord.self, to: FlowRecord())
            }
            initialized = Int(index) + 1
        } else {
            record.pointee = FlowRecord()
        }
        record.pointee.key = key
        record.pointee.hash = hash
        record.pointee.inUse = true
        record.pointee.lastSeen = time
        record.pointee.listedSecond = Self.second(time)
        record.pointee.lane = lane
        linkAtTail(index, lane)
        count += 1
        return index
    }

    /// Unindexes and clears a record (releasing its strings and pooled-object references).
    mutating func remove(_ index: Int32) {
        let record = self.record(index)
        guard record.pointee.inUse else { return }
        unlink(index, record.pointee.lane)
        var slot = Int(truncatingIfNeeded: record.pointee.hash) & slotMask
        let wanted = UInt64(index + 1)
        while slots[slot] & 0xffff_ffff != wanted { slot = (slot + 1) & slotMask }
        deleteSlot(slot)
        record.pointee = FlowRecord()
        freeList[freeCount] = index
        freeCount += 1
        count -= 1
    }

    /// Records a packet at `time`, moving the flow to its lane's tail when the second changed.
    @inline(__always)
    mutating func touch(_ index: Int32, time: Int64) {
        let record = self.record(index)
        record.pointee.lastSeen = time
        let second = Self.second(time)
        if second != record.pointee.listedSecond {
            record.pointee.listedSecond = second
            let lane = record.pointee.lane
            unlink(index, lane)
            linkAtTail(index, lane)
        }
    }

    /// Moves a flow to another lane (a new idle timeout), at that lane's tail.
    mutating func move(_ index: Int32, to lane: FlowLane) {
        let record = self.record(index)
        guard record.pointee.lane != lane else { return }
        unlink(index, record.pointee.lane)
        record.pointee.lane = lane
        linkAtTail(index, lane)
    }

    /// The least recently seen flow of `lane`, if any.
    func oldest(in lane: FlowLane) -> Int32? {
        let head = laneEnds[lane.rawValue * 2]
        return head < 0 ? nil : head
    }

    private static func second(_ time: Int64) -> UInt32 { UInt32(truncatingIfNeeded: time / 1_000_000_000) }

    private mutating func linkAtTail(_ index: Int32, _ lane: FlowLane) {
        let tailSlot = lane.rawValue * 2 + 1
        let tail = laneEnds[tailSlot]
        record(index).pointee.previous = tail
        record(index).pointee.next = -1
        if tail >= 0 {
            record(tail).pointee.next = index
        } else {
            laneEnds[lane.rawValue * 2] = index
        }
        laneEnds[tailSlot] = index
    }

    private mutating func unlink(_ index: Int32, _ lane: FlowLane) {
        let previous = record(index).pointee.previous
        let next = record(index).pointee.next
        if previous >= 0 { record(previous).pointee.next = next } else { laneEnds[lane.rawValue * 2] = next }
        if next >= 0 { record(next).pointee.previous = previous } else { laneEnds[lane.rawValue * 2 + 1] = previous }
        record(index).pointee.previous = -1
        record(index).pointee.next = -1
    }

    /// Doubles the slots in use and re-indexes every flow from its record's hash. Rare (each
    /// doubling at a new high-water mark of flows) and linear in the records ever used; it is
    /// the only non-constant step on the packet path, and it allocates nothing.
    private mutating func growIndex() {
        let newCount = (slotMask + 1) * 2
        slots.initialize(repeating: 0, count: newCount)
        slotMask = newCount - 1
        for index in 0..<initialized {
            let record = self.record(Int32(index))
            guard record.pointee.inUse else { continue }
            let hash = record.pointee.hash
            var slot = Int(truncatingIfNeeded: hash) & slotMask
            while slots[slot] != 0 { slot = (slot + 1) & slotMask }
            slots[slot] = (hash & 0xffff_ffff) << 32 | UInt64(index + 1)
        }
    }

    /// Backward-shift deletion: pulls later members of the probe run into the hole so that every
    /// entry stays reachable from its home slot without tombstones.
    private mutating func deleteSlot(_ start: Int) {
        var hole = start
        var probe = start
        while true {
            probe = (probe + 1) & slotMask
            let entry = slots[probe]
            if entry == 0 { break }
            let home = Int(truncatingIfNeeded: entry >> 32) & slotMask
            // The entry may fill the hole unless its home lies cyclically in (hole, probe].
            let homeBetween =
                hole <= probe ? (home > hole && home <= probe) : (home > hole || home <= probe)
            if !homeBetween {
                slots[hole] = entry
                hole = probe
            }
        }
        slots[hole] = 0
    }
}
