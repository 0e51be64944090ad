/// Puts fragmented IPv4 and IPv6 datagrams back together, within fixed bounds, so that fragmented
/// DNS responses (large DNSSEC or HTTPS answers over UDP) are still seen by the name extractors.
///
/// Both families share one set of slots and limits: IPv4 fragments (RFC 791) and IPv6 Fragment
/// headers (RFC 8200 4.5) both count offsets in 8-byte units, so the same buffers and overlap
/// bitmap serve either. What differs is what identifies a datagram and the largest one each
/// can describe. For IPv6 the reassembled payload is the fragmentable part, starting with the header
/// the Fragment header's Next Header names in the offset-0 fragment.
///
/// Fragments are rare on a school gateway, and fragment floods are a classic way to exhaust a
/// monitor, so everything is capped: concurrent datagrams, bytes per datagram, bytes held in
/// total, and age. Time comes only from the packet timestamps passed in (no clock inside), which
/// keeps replayed captures and tests deterministic. Overlapping fragments (the basis of the
/// teardrop and evasion tricks of RFC 1858/3128) drop the whole datagram rather than guessing
/// which copy the receiver would keep; for IPv6 that is what RFC 8200 (after RFC 5722) requires
/// of every receiver. An exact duplicate counts as an overlap too (RFC 8200 allows keeping the
/// datagram then, but duplicates are rare and telling them apart costs a compare). Slot buffers
/// are reused, so the steady state allocates nothing; a datagram that needs a bigger buffer than
/// its slot had grows it once.
public struct IPReassembler {
    /// Bounds on what the reassembler holds.
    public struct Limits: Hashable, Sendable {
        /// Datagrams being reassembled at once; a new one beyond this evicts the oldest.
        public var maxDatagrams: Int
        /// Largest reassembled IP payload accepted. Whatever this says, an IPv4 payload cannot
        /// exceed ``IPReassembler/maxIPv4Payload`` nor an IPv6 one ``IPReassembler/maxIPv6Payload``.
        public var maxDatagramBytes: Int
        /// Fragment bytes held across all datagrams; beyond this the oldest datagrams go.
        public var maxTotalBytes: Int
        /// A datagram still incomplete this long after its first fragment is dropped
        /// (RFC 791 suggests 15 s and RFC 8200 60 s; Linux uses 30 s for IPv4, 60 s for IPv6).
        public var timeout: Duration

        public init(
            maxDatagrams: Int = 64,
            maxDatagramBytes: Int = 65_535,
            maxTotalBytes: Int = 1 << 20,
            timeout: Duration = .seconds(30)
        ) {
            self.maxDatagrams = max(1, maxDatagrams)
            self.maxDatagramBytes = min(max(8, maxDatagramBytes), 65_535)
            self.maxTotalBytes = max(self.maxDatagramBytes, maxTotalBytes)
            self.timeout = timeout
        }
    }

    /// Why a fragment or a partly reassembled datagram was thrown away (a counter key).
    public enum DropReason: Hashable, Sendable, CaseIterable {
        /// Two fragments covered some of the same bytes.
        case overlap
        /// The datagram did not complete within ``Limits/timeout``.
        case timeout
        /// Evicted because ``Limits/maxDatagrams`` were already in progress.
        case tooManyDatagrams
        /// Evicted to stay within ``Limits/maxTotalBytes``.
        case totalBytesExceeded
        /// The fragment would end beyond ``Limits/maxDatagramBytes`` or what its IP version can
        /// describe.
        case datagramTooLarge
        /// Inconsistent fragments: empty, a non-final fragment not a multiple of 8 bytes, two
        /// different ends, or data past the final fragment's end.
        case malformed
        /// The capture cut the fragment short (snaplen), so the datagram can never be complete.
        case truncatedCapture

        /// Stable snake_case label value for metrics.
        public var name: String {
            switch self {
            case .overlap: "overlap"
            case .timeout: "timeout"
            case .tooManyDatagrams: "too_many_datagrams"
            case .totalBytesExceeded: "total_bytes_exceeded"
            case .datagramTooLarge: "datagram_too_large"
            case .malformed: "malformed"
            case .truncatedCapture: "truncated_capture"
            }
        }
    }

    /// What happened to one fragment.
    public enum Outcome: Hashable, Sendable {
        /// Stored; the datagram is still incomplete.
        case held
        /// This fragment completed its datagram, which was handed to the caller's closure.
        case completed
        /// The fragment (and its datagram, if one was in progress) was dropped.
        case dropped(DropReason)
    }

    /// Running totals for metrics.
    public struct Counters: Hashable, Sendable {
        public var fragmentsHeld = 0
        public var datagramsReassembled = 0
        /// Drops by reason: fragments refused and datagrams abandoned.
        public var dropped: [DropReason: Int] = [:]

        public init() {}
    }

    /// Largest IPv4 payload: the 16-bit total length less the smallest (20-byte) header.
    public static let maxIPv4Payload = 65_515
    /// Largest IPv6 payload: the 16-bit Payload Length (no jumbograms; RFC 8200 4.5 says a
    /// fragment reaching past it must be discarded).
    public static let maxIPv6Payload = 65_535

    /// Identifies a datagram. The addresses carry their family, so an IPv4 and an IPv6 datagram
    /// never share a key even when their identifications are equal.
    ///
    /// IPv4 (RFC 791): source, destination, protocol and the 16-bit Identification. IPv6
    /// (RFC 8200 4.5): source, destination and the 32-bit Fragment Identification only, since
    /// the Next Header of fragments may differ and only the offset-0 fragment's counts;
    /// `ipProtocol` is 0 then.
    struct Key: Hashable {
        var source: IPAddress
        var destination: IPAddress
        var identification: UInt32
        var ipProtocol: UInt8
    }

    struct Slot {
        var inUse = false
        var key = Key(source: IPAddress(ipv4: 0), destination: IPAddress(ipv4: 0), identification: 0, ipProtocol: 0)
        var firstSeen: Duration = .zero
        /// TTL or hop limit, and the protocol of what the payload starts with, both from the
        /// offset-0 fragment.
        var hopLimit: UInt8 = 0
        var ipProtocol: UInt8 = 0
        /// Payload bytes received so far (the sum of fragment lengths; overlaps are refused, so
        /// this equals the total exactly when every byte has arrived).
        var received = 0
        /// Where the datagram ends, known once the final fragment (MF = 0) arrives.
        var totalLength: Int?
        /// The furthest byte any fragment reached, to catch data past a later final fragment.
        var highestEnd = 0
        var buffer: [UInt8] = []
        /// One bit per 8-byte block received: fragment offsets are in 8-byte units, so overlap
        /// checks are a few word operations.
        var blocks: [UInt64] = []
    }

    public let limits: Limits
    public private(set) var counters = Counters()
    /// Fragment bytes currently held.
    public private(set) var heldBytes = 0
    private var slots: [Slot]

    public init(limits: Limits = Limits()) {
        self.limits = limits
        slots = Array(repeating: Slot(), count: limits.maxDatagrams)
    }

    /// Datagrams currently in progress.
    public var activeDatagrams: Int { slots.reduce(0) { $0 + ($1.inUse ? 1 : 0) } }

    /// Adds a fragment decoded by ``PacketDecoder``; packets that are not fragments are ignored
    /// (`nil`). When the datagram completes, `body` receives it (valid only inside).
    @discardableResult
    public mutating func process(
        _ packet: DecodedPacket,
        at time: Duration,
        _ body: (ReassembledDatagram) -> Void
    ) -> Outcome? {
        guard let fragment = packet.fragment else { return nil }
        let isIPv4 = packet.ipVersion == .ipv4
        let key = Key(
            source: packet.source,
            destination: packet.destination,
            identification: fragment.identification,
            ipProtocol: isIPv4 ? packet.ipProtocol : 0
        )
        if packet.isTruncated {
            dropDatagram(key)
            return count(.truncatedCapture)
        }
        return add(
            key: key,
            maxEnd: min(limits.maxDatagramBytes, isIPv4 ? Self.maxIPv4Payload : Self.maxIPv6Payload),
            hopLimit: packet.hopLimit,
            ipProtocol: packet.ipProtocol,
            offset: fragment.offset,
            moreFragments: fragment.moreFragments,
            data: packet.ipPayload,
            at: time,
            body
        )
    }

    /// Drops every datagram older than ``Limits/timeout`` at `now` (also done on each fragment;
    /// call it from a periodic tick so idle memory is released).
    public mutating func expire(at now: Duration) {
        for index in slots.indices where slots[index].inUse && now - slots[index].firstSeen > limits.timeout {
            release(index)
            counters.dropped[.timeout, default: 0] += 1
        }
    }

    private mutating func add(
        key: Key,
        maxEnd: Int,
        hopLimit: UInt8,
        ipProtocol: UInt8,
        offset: Int,
        moreFragments: Bool,
        data: UnsafeRawBufferPointer,
        at time: Duration,
        _ body: (ReassembledDatagram) -> Void
    ) -> Outcome {
        expire(at: time)
        let end = offset + data.count
        if data.isEmpty || (moreFragments && data.count % 8 != 0) {
            dropDatagram(key)
            return count(.malformed)
        }
        if end > maxEnd {
            dropDatagram(key)
            return count(.datagramTooLarge)
        }

        let index = slotIndex(for: key, at: time)
        if moreFragments {
            if let total = slots[index].totalLength, end > total { return abandon(index, .malformed) }
        } else {
            if let total = slots[index].totalLength, total != end { return abandon(index, .malformed) }
            if slots[index].highestEnd > end { return abandon(index, .malformed) }
            slots[index].totalLength = end
        }
        if !markBlocks(index, from: offset, to: end) { return abandon(index, .overlap) }

        // Make room before copying: the oldest other datagrams go first.
        while heldBytes + data.count > limits.maxTotalBytes, let oldest = oldestSlot(excluding: index) {
            release(oldest)
            counters.dropped[.totalBytesExceeded, default: 0] += 1
        }
        if heldBytes + data.count > limits.maxTotalBytes { return abandon(index, .totalBytesExceeded) }

        if slots[index].buffer.count < end {
            slots[index].buffer.append(contentsOf: repeatElement(0, count: end - slots[index].buffer.count))
        }
        slots[index].buffer.withUnsafeMutableBytes { buffer in
            UnsafeMutableRawBufferPointer(rebasing: buffer[offset..<end]).copyMemory(from: data)
        }
        if offset == 0 {
            slots[index].hopLimit = hopLimit
            slots[index].ipProtocol = ipProtocol
        }
        slots[index].received += data.count
        slots[index].highestEnd = max(slots[index].highestEnd, end)
        heldBytes += data.count
        counters.fragmentsHeld += 1

        guard let total = slots[index].totalLength, slots[index].received == total else { return .held }
        let slot = slots[index]
        slot.buffer.withUnsafeBytes { buffer in
            body(
                ReassembledDatagram(
                    source: key.source,
                    destination: key.destination,
                    identification: key.identification,
                    ipProtocol: slot.ipProtocol,
                    hopLimit: slot.hopLimit,
                    payload: UnsafeRawBufferPointer(rebasing: buffer[0..<total])
                )
            )
        }
        release(index)
        counters.datagramsReassembled += 1
        return .completed
    }

    /// The slot holding `key`, or a fresh one (evicting the oldest datagram if all are busy).
    private mutating func slotIndex(for key: Key, at time: Duration) -> Int {
        var free: Int?
        for index in slots.indices {
            if slots[index].inUse {
                if slots[index].key == key { return index }
            } else if free == nil {
                free = index
            }
        }
        let index: Int
        if let free {
            index = free
        } else {
            index = oldestSlot(excluding: nil)!
            release(index)
            counters.dropped[.tooManyDatagrams, default: 0] += 1
        }
        slots[index].inUse = true
        slots[index].key = key
        slots[index].firstSeen = time
        slots[index].received = 0
        slots[index].totalLength = nil
        slots[index].highestEnd = 0
        slots[index].buffer.removeAll(keepingCapacity: true)
        let words = (limits.maxDatagramBytes + 511) / 512
        if slots[index].blocks.count != words {
            slots[index].blocks = Array(repeating: 0, count: words)
        } else {
            for word in 0..<words { slots[index].blocks[word] = 0 }
        }
        return index
    }

    /// Marks the 8-byte blocks `[from, to)` touches; `false` if any was already set (overlap).
    private mutating func markBlocks(_ index: Int, from start: Int, to end: Int) -> Bool {
        let first = start / 8
        let last = (end + 7) / 8
        for block in first..<last where slots[index].blocks[block >> 6] & (1 << UInt64(block & 63)) != 0 {
            return false
        }
        for block in first..<last {
            slots[index].blocks[block >> 6] |= 1 << UInt64(block & 63)
        }
        return true
    }

    private func oldestSlot(excluding excluded: Int?) -> Int? {
        var oldest: Int?
        for index in slots.indices where slots[index].inUse && index != excluded {
            if oldest == nil || slots[index].firstSeen < slots[oldest!].firstSeen { oldest = index }
        }
        return oldest
    }

    private mutating func release(_ index: Int) {
        heldBytes -= slots[index].received
        slots[index].inUse = false
        slots[index].received = 0
    }

    private mutating func abandon(_ index: Int, _ reason: DropReason) -> Outcome {
        release(index)
        return count(reason)
    }

    private mutating func dropDatagram(_ key: Key) {
        if let index = slots.indices.first(where: { slots[$0].inUse && slots[$0].key == key }) {
            release(index)
        }
    }

    private mutating func count(_ reason: DropReason) -> Outcome {
        counters.dropped[reason, default: 0] += 1
        return .dropped(reason)
    }
}
