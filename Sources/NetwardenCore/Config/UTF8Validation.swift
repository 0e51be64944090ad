/// Strict UTF-8 checking for config bytes.
///
/// Done once, up front, so the parser can treat every byte ≥ 0x80 as part of a valid scalar and a
/// file saved in Latin-1 (or a binary dropped in by mistake) gives one clear error, not a cascade.
enum UTF8Validation {
    /// The offset of the first byte that does not start or continue a valid UTF-8 sequence
    /// (overlong forms and surrogates count as invalid, as RFC 3629 says), or nil if all is valid.
    static func firstInvalidOffset(in bytes: [UInt8]) -> Int? {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                index += 1
                continue
            }
            // The allowed range of the second byte depends on the lead byte (excludes overlongs,
            // surrogates and values above U+10FFFF); later bytes are plain continuation bytes.
            let length: Int
            var secondRange: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                secondRange = 0xA0...0xBF
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                secondRange = 0x80...0x9F
            case 0xF0:
                length = 4
                secondRange = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                secondRange = 0x80...0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            guard secondRange.contains(bytes[index + 1]) else { return index }
            for offset in 2..<length where bytes[index + offset] & 0xC0 != 0x80 { return index }
            index += length
        }
        return nil
    }
}
