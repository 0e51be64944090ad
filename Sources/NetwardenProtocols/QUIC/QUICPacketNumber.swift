/// Packet-number reconstruction (RFC 9000 §17.1, Appendix A.3): the wire carries only the low
/// 1–4 bytes, and the receiver picks the full value closest to the one it expects next.
public enum QUICPacketNumber {
    /// Largest value a packet number may take.
    static let max: Int64 = (1 << 62) - 1

    /// Expands `truncated` (`length` bytes on the wire) given the largest packet number already
    /// seen in this packet-number space (`-1` when none has been).
    public static func decode(truncated: UInt32, length: Int, largest: Int64) -> Int64 {
        let expected = largest + 1
        let window = Int64(1) << (length * 8)
        let halfWindow = window / 2
        let mask = window - 1
        let candidate = (expected & ~mask) | Int64(truncated)
        if candidate <= expected - halfWindow && candidate < (1 << 62) - window {
            return candidate + window
        }
        if candidate > expected + halfWindow && candidate >= window {
            return candidate - window
        }
        return candidate
    }
}
