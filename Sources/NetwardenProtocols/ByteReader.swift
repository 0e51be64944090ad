/// A bounds-checked, non-allocating cursor over bytes that someone else owns.
///
/// Every wire decoder in this module reads through a `ByteReader`, so "never read past the end"
/// is enforced in one place: each read returns `nil` instead of trapping when the input is short,
/// and the decoder turns that into a "truncated" or "malformed" counter. The reader holds an
/// `UnsafeRawBufferPointer` rather than `Data`/`[UInt8]` because the packet path must not allocate:
/// callers keep the underlying storage alive for the reader's lifetime (a pcap buffer for the
/// duration of one callback, or `withUnsafeBytes` in tests).
public struct ByteReader {
    /// The whole input; `offset` indexes into it.
    public let bytes: UnsafeRawBufferPointer
    /// Position of the next byte to read.
    public private(set) var offset: Int

    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.offset = min(max(offset, 0), bytes.count)
    }

    /// Bytes left after `offset`.
    public var remaining: Int { bytes.count - offset }

    public var isAtEnd: Bool { offset >= bytes.count }

    public mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { offset += 1 }
        return bytes[offset]
    }

    public mutating func readUInt16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    public mutating func readUInt24() -> UInt32? {
        guard remaining >= 3 else { return nil }
        defer { offset += 3 }
        return UInt32(bytes[offset]) << 16 | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2])
    }

    public mutating func readUInt32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { offset += 4 }
        return UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
            | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
    }

    /// A view of the next `count` bytes, advancing past them; `nil` (and no advance) if short.
    public mutating func readSlice(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, remaining >= count else { return nil }
        defer { offset += count }
        return UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + count])
    }

    /// A reader over the next `count` bytes (for length-prefixed sub-structures), advancing past them.
    public mutating func readSubReader(_ count: Int) -> ByteReader? {
        readSlice(count).map { ByteReader($0) }
    }

    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        offset += count
        return true
    }

    /// Peeks without advancing.
    public func peekUInt8(at relative: Int = 0) -> UInt8? {
        let index = offset + relative
        guard relative >= 0, index < bytes.count else { return nil }
        return bytes[index]
    }

    /// Moves to an absolute position inside the input (used for DNS compression pointers).
    public mutating func seek(to absolute: Int) -> Bool {
        guard absolute >= 0, absolute <= bytes.count else { return false }
        offset = absolute
        return true
    }
}
