/// The fixed 28-byte header in front of every record in a segment file (all little-endian):
///
/// ```
///  0  magic      4  sync marker D5 4E 57 53 ("\xD5NWS"), where a scan resynchronises
///  4  crc        4  CRC-32C of bytes 8..<28 and the payload
///  8  length     4  payload length in bytes
/// 12  sequence   8  spool-wide monotonic sequence number (first record is 1)
/// 20  timestamp  8  wall-clock milliseconds since the epoch, as the producer passed it
/// 28  payload
/// ```
///
/// The checksum covers the length and sequence as well as the payload: a bit flip in the length
/// would otherwise send a reader off to a wrong boundary with a "valid" record.
public struct SpoolRecordHeader: Sendable, Equatable {
    /// Header size in bytes.
    public static let size = 28
    /// The sync marker; the first byte is not ASCII so text payloads rarely contain it.
    public static let magic: [UInt8] = [0xD5, 0x4E, 0x57, 0x53]
    static let magicValue = UInt32(0x5357_4ED5)

    public var length: UInt32
    public var sequence: UInt64
    public var timestampMilliseconds: Int64
    public var checksum: UInt32

    public init(length: UInt32, sequence: UInt64, timestampMilliseconds: Int64, checksum: UInt32) {
        self.length = length
        self.sequence = sequence
        self.timestampMilliseconds = timestampMilliseconds
        self.checksum = checksum
    }

    /// Appends the header and payload of one record to `buffer`.
    public static func encode(
        payload: UnsafeRawBufferPointer,
        sequence: UInt64,
        timestampMilliseconds: Int64,
        into buffer: inout [UInt8]
    ) {
        let start = buffer.count
        buffer.reserveCapacity(start + size + payload.count)
        appendLittleEndian(magicValue, to: &buffer)
        appendLittleEndian(UInt32(0), to: &buffer)  // checksum, filled in below
        appendLittleEndian(UInt32(payload.count), to: &buffer)
        appendLittleEndian(sequence, to: &buffer)
        appendLittleEndian(UInt64(bitPattern: timestampMilliseconds), to: &buffer)
        buffer.append(contentsOf: payload)
        let crc = buffer.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + 8)...])) }
        buffer.withUnsafeMutableBytes { $0.storeBytes(of: crc.littleEndian, toByteOffset: start + 4, as: UInt32.self) }
    }

    /// The header at the start of `bytes`, or nil when there is no marker or too few bytes.
    /// Does not check the payload: see `SegmentScanner` for that.
    public static func decode(_ bytes: UnsafeRawBufferPointer) -> SpoolRecordHeader? {
        guard bytes.count >= size, hasMagic(bytes, at: 0) else { return nil }
        return SpoolRecordHeader(
            length: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self)),
            sequence: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 12, as: UInt64.self)),
            timestampMilliseconds: Int64(
                bitPattern: UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: 20, as: UInt64.self))
            ),
            checksum: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
        )
    }

    /// Whether the sync marker starts at `offset` (which must leave four bytes).
    static func hasMagic(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> Bool {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) == magicValue
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to buffer: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { buffer.append(contentsOf: $0) }
    }
}
