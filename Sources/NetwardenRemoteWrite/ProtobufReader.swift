/// Reads protobuf wire format from untrusted bytes: every length is checked against what is left
/// before it is used, and unknown fields are skipped as protobuf requires.
struct ProtobufReader {
    private let bytes: UnsafeRawBufferPointer
    /// Offset of `bytes[0]` in the whole input, so errors point into what the caller passed.
    private let origin: Int
    private(set) var offset = 0

    init(_ bytes: UnsafeRawBufferPointer, origin: Int = 0) {
        self.bytes = bytes
        self.origin = origin
    }

    var isAtEnd: Bool { offset == bytes.count }

    /// Where the reader is in the whole input.
    var position: Int { origin + offset }

    mutating func varint() throws(RemoteWriteError) -> UInt64 {
        var value: UInt64 = 0
        for shift in stride(from: UInt64(0), to: 70, by: 7) {
            guard offset < bytes.count else { throw error(.truncated, "a varint runs past the end") }
            let byte = bytes[offset]
            offset += 1
            // The tenth byte may only carry the top bit of a 64-bit value.
            guard shift < 63 || byte <= 1 else { throw error(.malformed, "a varint is longer than 64 bits") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
        }
        throw error(.malformed, "a varint is longer than ten bytes")
    }

    /// A field's number and wire type; field number 0 is invalid in protobuf.
    mutating func tag() throws(RemoteWriteError) -> (field: UInt64, wireType: UInt8) {
        let tag = try varint()
        guard tag >> 3 != 0 else { throw error(.malformed, "field number 0") }
        return (tag >> 3, UInt8(tag & 7))
    }

    mutating func fixed64() throws(RemoteWriteError) -> UInt64 {
        guard bytes.count - offset >= 8 else { throw error(.truncated, "a fixed64 runs past the end") }
        let value = bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        offset += 8
        return UInt64(littleEndian: value)
    }

    /// The content of a length-delimited field, as a reader of its own.
    mutating func lengthDelimited() throws(RemoteWriteError) -> ProtobufReader {
        let start = position
        let length = try varint()
        guard length <= UInt64(bytes.count - offset) else {
            throw RemoteWriteError(.truncated, "a field of \(length) bytes runs past the end", offset: start)
        }
        let content = UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + Int(length)])
        defer { offset += Int(length) }
        return ProtobufReader(content, origin: origin + offset)
    }

    mutating func string() throws(RemoteWriteError) -> String {
        let start = position
        let content = try lengthDelimited().bytes
        guard let text = String(validating: content, as: UTF8.self) else {
            throw RemoteWriteError(.malformed, "a string is not valid UTF-8", offset: start)
        }
        return text
    }

    /// Steps over a field this schema does not know.
    mutating func skip(wireType: UInt8) throws(RemoteWriteError) {
        switch wireType {
        case 0: _ = try varint()
        case 1: _ = try fixed64()
        case 2: _ = try lengthDelimited()
        case 5:
            guard bytes.count - offset >= 4 else { throw error(.truncated, "a fixed32 runs past the end") }
            offset += 4
        default:
            // 3 and 4 are the deprecated groups, which proto3 schemas never produce; 6 and 7 do not exist.
            throw error(.malformed, "wire type \(wireType)")
        }
    }

    func error(_ code: RemoteWriteError.Code, _ message: String) -> RemoteWriteError {
        RemoteWriteError(code, message, offset: position)
    }
}
