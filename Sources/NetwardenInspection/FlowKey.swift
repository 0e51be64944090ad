import NetwardenProtocols

/// A flow's 5-tuple in canonical order, so both directions of a conversation find the same
/// record and hash to the same sampling decision.
///
/// The endpoint that sorts lower (address, then port) is side `a`. The fields are plain words
/// rather than two `IPAddress`es so equality is six integer compares and the hash needs no
/// `Hasher` (whose per-call setup costs more than the whole mix below).
struct FlowKey: Equatable {
    var aHigh: UInt64
    var aLow: UInt64
    var bHigh: UInt64
    var bLow: UInt64
    var aPort: UInt16
    var bPort: UInt16
    /// IP protocol number (6 or 17).
    var ipProtocol: UInt8
    var family: IPAddress.Family

    /// Builds the canonical key; ``isFromA(_:_:)`` later says which way a packet went.
    @inline(__always)
    init(
        source: IPAddress,
        sourcePort: UInt16,
        destination: IPAddress,
        destinationPort: UInt16,
        ipProtocol: UInt8
    ) {
        let sourceFirst =
            source.high != destination.high
            ? source.high < destination.high
            : source.low != destination.low ? source.low < destination.low : sourcePort <= destinationPort
        if sourceFirst {
            aHigh = source.high
            aLow = source.low
            bHigh = destination.high
            bLow = destination.low
            aPort = sourcePort
            bPort = destinationPort
        } else {
            aHigh = destination.high
            aLow = destination.low
            bHigh = source.high
            bLow = source.low
            aPort = destinationPort
            bPort = sourcePort
        }
        self.ipProtocol = ipProtocol
        family = source.family
    }

    /// An all-zero key for unused records.
    static let unused = FlowKey(
        source: IPAddress(ipv4: 0),
        sourcePort: 0,
        destination: IPAddress(ipv4: 0),
        destinationPort: 0,
        ipProtocol: 0
    )

    /// Whether a packet from `source`:`sourcePort` travels from side `a` to side `b`.
    func isFromA(_ source: IPAddress, _ sourcePort: UInt16) -> Bool {
        source.high == aHigh && source.low == aLow && sourcePort == aPort
    }

    var addressA: IPAddress { address(high: aHigh, low: aLow) }
    var addressB: IPAddress { address(high: bHigh, low: bLow) }

    private func address(high: UInt64, low: UInt64) -> IPAddress {
        family == .ipv4 ? IPAddress(ipv4: UInt32(truncatingIfNeeded: low)) : IPAddress(ipv6High: high, low: low)
    }

    /// A seeded 64-bit hash. Each word is folded in with a full-width multiply (the wyhash
    /// construction): a handful of cycles, and with a secret seed an outsider cannot aim many
    /// flows at one table slot or at the sampled-in fraction.
    @inline(__always)
    func hash(seed: UInt64) -> UInt64 {
        var state = seed ^ 0xa076_1d64_78bd_642f
        state = Self.mix(state ^ aHigh, aLow ^ 0xe703_7ed1_a0b4_28db)
        state = Self.mix(state ^ bHigh, bLow ^ 0x8ebc_6af0_9c88_c6e3)
        let small = UInt64(aPort) << 32 | UInt64(bPort) << 16 | UInt64(ipProtocol) << 8 | UInt64(family.rawValue)
        return Self.mix(state ^ small, 0x5899_65cc_7537_4cc3)
    }

    @inline(__always)
    private static func mix(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
    }
}
