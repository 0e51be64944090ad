/// CRC-32C (Castagnoli, the iSCSI/ext4/SCTP polynomial), computed slicing-by-8.
///
/// Castagnoli rather than the zlib CRC-32: it detects more error patterns at record sizes like
/// ours, and it is what other append-only logs (LevelDB, Kafka, RocksDB) use, so a record can be
/// checked with their tools. Slicing-by-8 processes eight bytes per table round, several times
/// faster than the byte-at-a-time loop, without needing the SSE4.2 instruction from C.
public enum CRC32C {
    /// The reflected polynomial 0x1EDC6F41.
    static let polynomial: UInt32 = 0x82F6_3B78

    /// Eight 256-entry tables, table k at [k * 256 ..< (k + 1) * 256].
    static let tables: [UInt32] = {
        var tables = [UInt32](repeating: 0, count: 8 * 256)
        for byte in 0..<256 {
            var crc = UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1 }
            tables[byte] = crc
        }
        for byte in 0..<256 {
            var crc = tables[byte]
            for slice in 1..<8 {
                crc = (crc >> 8) ^ tables[Int(crc & 0xff)]
                tables[slice * 256 + byte] = crc
            }
        }
        return tables
    }()

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        update(0, bytes)
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { update(0, $0) }
    }

    /// Continues `crc` (a finished checksum of the bytes before) over `bytes`, so a record's
    /// checksum can cover its header fields and its payload without copying them together.
    public static func update(_ crc: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var crc = ~crc
        var index = 0
        let count = bytes.count
        tables.withUnsafeBufferPointer { table in
            while count - index >= 8 {
                let low = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index, as: UInt32.self)) ^ crc
                let high = UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: index + 4, as: UInt32.self))
                crc =
                    table[7 * 256 + Int(low & 0xff)] ^ table[6 * 256 + Int((low >> 8) & 0xff)]
                    ^ table[5 * 256 + Int((low >> 16) & 0xff)] ^ table[4 * 256 + Int(low >> 24)]
                    ^ table[3 * 256 + Int(high & 0xff)] ^ table[2 * 256 + Int((high >> 8) & 0xff)]
                    ^ table[1 * 256 + Int((high >> 16) & 0xff)] ^ table[Int(high >> 24)]
                index += 8
            }
            while index < count {
                crc = (crc >> 8) ^ table[Int((crc ^ UInt32(bytes[index])) & 0xff)]
                index += 1
            }
        }
        return ~crc
    }
}
