extension ByteReader {
    // Netlink headers and attributes are in the host's byte order (they never leave the machine),
    // unlike the network-order fields the rest of this module reads. Loading the native integer
    // is exactly "host order" on any CPU; our targets (x86-64, arm64) are little-endian, and the
    // recorded test messages are written little-endian accordingly.

    /// A host-order `UInt16`; `nil` (and no advance) if fewer than 2 bytes remain.
    public mutating func readHostUInt16() -> UInt16? {
        readSlice(2).map { $0.loadUnaligned(as: UInt16.self) }
    }

    /// A host-order `UInt32`; `nil` (and no advance) if fewer than 4 bytes remain.
    public mutating func readHostUInt32() -> UInt32? {
        readSlice(4).map { $0.loadUnaligned(as: UInt32.self) }
    }

    /// A host-order `UInt64`; `nil` (and no advance) if fewer than 8 bytes remain.
    public mutating func readHostUInt64() -> UInt64? {
        readSlice(8).map { $0.loadUnaligned(as: UInt64.self) }
    }
}
