/// A bounds-checked, non-allocating cursor over bytes that someone else owns.
///
/// Every wire decoder in this module reads through a `ByteReader`, so "never read past the end"
/// is enforced in one place: each read returns `nil` instead of trapping when the input is short,
/// and the decoder turns that into a "truncated" or "malformed" counter. The reader holds an
/// `UnsafeRawBufferPointer` rather than `Data`/`[UInt8]` because the packet path must not allocate:
/// callers keep the underlying storage alive for the reader's lifetime (a pcap buffer for the
/// duration of one callback, or `withUnsafeBytes` in tests).
///
/// The reads are `@inlinable`: the engine and the filters call them from other modules once or
/// more per packet, and as out-of-line calls they were a visible share of the packet path.
public struct ByteReader {
    /// The whole input; `offset` indexes into it.
    public let bytes: UnsafeRawBufferPointer
    /// Position of the next byte to read. Outside this module only reads, `skip` and `seek`
    /// move it; `@usableFromInline` (for the inlinable reads) makes it internal, so code in
    /// this module must keep to those too.
    @usableFromInline var position: Int

    public var offset: Int {
        @inlinable get { position }
    }

    @inlinable
    public init(_ bytes: UnsafeRawBufferPointer, offset: Int = 0) {
        self.bytes = bytes
        self.position = min(max(offset, 0), bytes.count)
    }

    /// Bytes left after `offset`.
    @inlinable public var remaining: Int { bytes.count - position }

    @inlinable public var isAtEnd: Bool { position >= bytes.count }

    @inlinable @inline(__always)
    public mutating func readUInt8() -> UInt8? {
        guard remaining >= 1 else { return nil }
        defer { position += 1 }
        return bytes[position]
    }

    @inlinable @inline(__always)
    public mutating func readUInt16() -> UInt16? {
        guard remaining >= 2 else { return nil }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    @inlinable @inline(__always)
    public mutating func readUInt24() -> UInt32? {
        guard remaining >= 3 else { return nil }
        defer { position += 3 }
        return UInt32(bytes[position]) << 16 | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2])
    }

    @inlinable @inline(__always)
    public mutating func readUInt32() -> UInt32? {
        guard remaining >= 4 else { return nil }
        defer { position += 4 }
        return UInt32(bytes[position]) << 24 | UInt32(bytes[position + 1]) << 16
            | UInt32(bytes[position + 2]) << 8 | UInt32(bytes[position + 3])
    }

    /// A view of the next `count` bytes, advancing past them; `nil` (and no advance) if short.
    @inlinable @inline(__always)
    public mutating func readSlice(_ count: Int) -> UnsafeRawBufferPointer? {
        guard count >= 0, remaining >= count else { return nil }
        defer { position += count }
        return UnsafeRawBufferPointer(rebasing: bytes[position..<position + count])
    }

    /// A reader over the next `count` bytes (for length-prefixed sub-structures), advancing past them.
    @inlinable
    public mutating func readSubReader(_ count: Int) -> ByteReader? {
        readSlice(count).map { ByteReader($0) }
    }

    @inlinable @inline(__always)
    @discardableResult
    public mutating func skip(_ count: Int) -> Bool {
        guard count >= 0, remaining >= count else { return false }
        position += count
        return true
    }

    /// Peeks without advancing.
    @inlinable
    public func peekUInt8(at relative: Int = 0) -> UInt8? {
        let index = position + relative
        guard relative >= 0, index < bytes.count else { return nil }
        return bytes[index]
    }

    /// Moves to an absolute position inside the input (used for DNS compression pointers).
    @inlinable
    public mutating func seek(to absolute: Int) -> Bool {
        guard absolute >= 0, absolute <= bytes.count else { return false }
        position = absolute
        return true
    }
}
