/// Turns the raw bytes of a name a client asked for (TLS SNI) into the canonical form the category
/// matcher compares: ASCII, lowercase, no trailing dot.
///
/// Deliberately lenient about *which* ASCII label characters appear (underscores and edge hyphens
/// occur in real traffic, and rejecting them would hide a visited site from the filter check), but
/// strict about structure: anything that is not a plausible DNS name (spaces, control bytes,
/// non-ASCII, empty or over-long labels) is refused so that garbage never reaches the logs.
public enum TLSHostName {
    /// Longest name DNS can carry, without the trailing dot (RFC 1035 §2.3.4).
    public static let maxLength = 253
    /// Longest DNS label.
    public static let maxLabelLength = 63

    /// The normalised name, or `nil` when `raw` is not a hostname. One trailing dot is dropped
    /// (RFC 6066 forbids it, but "example.com." must still match "example.com").
    public static func normalized(_ raw: UnsafeRawBufferPointer) -> String? {
        var count = raw.count
        if count > 0 && raw[count - 1] == UInt8(ascii: ".") { count -= 1 }
        guard count > 0, count <= maxLength else { return nil }
        var labelLength = 0
        for index in 0..<count {
            let byte = raw[index]
            if byte == UInt8(ascii: ".") {
                guard labelLength > 0 else { return nil }
                labelLength = 0
                continue
            }
            guard isLabelByte(byte) else { return nil }
            labelLength += 1
            guard labelLength <= maxLabelLength else { return nil }
        }
        guard labelLength > 0 else { return nil }
        return String(unsafeUninitializedCapacity: count) { out in
            for index in 0..<count {
                let byte = raw[index]
                // ASCII-only input, so lowercasing is a single bit.
                out[index] = (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) ? byte | 0x20 : byte
            }
            return count
        }
    }

    private static func isLabelByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
