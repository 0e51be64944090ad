extension ByteReader {
    /// Reads a QUIC variable-length integer (RFC 9000 §16): the top two bits of the first byte give
    /// the encoded length (1, 2, 4 or 8 bytes). `nil`, without advancing, when the input is short.
    public mutating func readQUICVarint() -> UInt64? {
        guard let first = peekUInt8() else { return nil }
        let length = 1 << Int(first >> 6)
        guard let bytes = readSlice(length) else { return nil }
        var value = UInt64(first & 0x3f)
        for index in 1..<length {
            value = value << 8 | UInt64(bytes[index])
        }
        return value
    }

    /// A varint giving the length of what follows it, which must fit in the bytes left *after*
    /// the varint; anything longer is malformed, folded into `nil` so each call site is one guard.
    /// (A limit passed in as `remaining` would be read before the varint is consumed, and be one
    /// to eight bytes too generous.)
    mutating func readQUICLength() -> Int? {
        guard let value = readQUICVarint(), value <= UInt64(remaining) else { return nil }
        return Int(value)
    }
}
