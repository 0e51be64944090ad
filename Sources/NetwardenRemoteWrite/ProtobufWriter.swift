/// Writes protobuf wire format into a region the caller has already sized exactly.
///
/// Every write checks that it stays inside the region: the sizes are computed by the same rules
/// (`ProtobufWriter.varintSize` and friends), so a failed check is a bug in the encoder, and it
/// must stop the process rather than write past the buffer.
struct ProtobufWriter {
    private let base: UnsafeMutableRawPointer
    private(set) var offset: Int
    private let end: Int

    /// Wire types from the protobuf encoding spec.
    static let varint: UInt8 = 0
    static let fixed64: UInt8 = 1
    static let lengthDelimited: UInt8 = 2

    /// A writer over `buffer[offset...]`.
    init(_ buffer: UnsafeMutableRawBufferPointer, offset: Int) {
        precondition(offset >= 0 && offset < buffer.count, "a protobuf writer needs room to write")
        base = buffer.baseAddress!  // non-nil: the buffer is not empty
        self.offset = offset
        end = buffer.count
    }

    var isAtEnd: Bool { offset == end }

    /// The tag byte for field numbers 1...15, which is all remote write uses.
    @inline(__always)
    static func tag(_ field: UInt8, _ wireType: UInt8) -> UInt8 { field << 3 | wireType }

    @inline(__always)
    static func varintSize(_ value: UInt64) -> Int {
        // 7 payload bits per byte; zero still takes one byte.
        value == 0 ? 1 : (70 - value.leadingZeroBitCount) / 7
    }

    /// Bytes a length-delimited field of `length` content bytes takes, tag included.
    @inline(__always)
    static func lengthDelimitedSize(_ length: Int) -> Int { 1 + varintSize(UInt64(length)) + length }

    @inline(__always)
    mutating func byte(_ value: UInt8) {
        precondition(offset < end, "protobuf writer overran its region")
        base.storeBytes(of: value, toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    @inline(__always)
    mutating func varint(_ value: UInt64) {
        precondition(offset + Self.varintSize(value) <= end, "protobuf writer overran its region")
        var value = value
        while value >= 0x80 {
            base.storeBytes(of: UInt8(truncatingIfNeeded: value) | 0x80, toByteOffset: offset, as: UInt8.self)
            offset += 1
            value >>= 7
        }
        base.storeBytes(of: UInt8(value), toByteOffset: offset, as: UInt8.self)
        offset += 1
    }

    /// Eight bytes little-endian, as protobuf stores `double` and `fixed64`.
    @inline(__always)
    mutating func fixed64(_ value: UInt64) {
        precondition(offset + 8 <= end, "protobuf writer overran its region")
        base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: UInt64.self)
        offset += 8
    }

    /// A string field: tag, length, UTF-8 bytes copied straight from the string's storage.
    @inline(__always)
    mutating func string(field: UInt8, _ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            byte(Self.tag(field, Self.lengthDelimited))
            varint(UInt64(utf8.count))
            precondition(offset + utf8.count <= end, "protobuf writer overran its region")
            if let source = utf8.baseAddress {
                (base + offset).copyMemory(from: source, byteCount: utf8.count)
            }
            offset += utf8.count
        }
    }

    /// Bytes that are already protobuf (a pre-encoded label block), copied as they are.
    @inline(__always)
    mutating func raw(_ source: UnsafeRawBufferPointer) {
        precondition(offset + source.count <= end, "protobuf writer overran its region")
        if let from = source.baseAddress { (base + offset).copyMemory(from: from, byteCount: source.count) }
        offset += source.count
    }

    /// The header of a length-delimited (embedded message) field whose content follows.
    @inline(__always)
    mutating func messageHeader(field: UInt8, length: Int) {
        byte(Self.tag(field, Self.lengthDelimited))
        varint(UInt64(length))
    }
}

extension [UInt8] {
    /// Grows the array by exactly `size` bytes and lets `body` fill them through a writer, checking
    /// that it filled them all.
    mutating func write(size: Int, _ body: (inout ProtobufWriter) -> Void) {
        guard size > 0 else { return }
        let start = count
        // Zero-filling costs a memset; Array has no way to append uninitialised bytes without
        // Swift 6.2's OutputSpan, which the manifest's macOS 15 floor rules out.
        append(contentsOf: repeatElement(0, count: size))
        withUnsafeMutableBytes { buffer in
            var writer = ProtobufWriter(buffer, offset: start)
            body(&writer)
            precondition(writer.isAtEnd, "remote write size arithmetic disagrees with what was written")
        }
    }
}
