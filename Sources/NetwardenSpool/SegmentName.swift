/// Segment file names: the first sequence the segment holds, zero-padded to 20 digits (all of
/// UInt64), so names sort in sequence order and a directory listing reads like the log.
enum SegmentName {
    static let suffix = ".seg"

    static func fileName(firstSequence: UInt64) -> String {
        let digits = String(firstSequence)
        return String(repeating: "0", count: 20 - digits.count) + digits + suffix
    }

    /// The first sequence encoded in `name`, or nil for anything that is not a segment name
    /// (editor backups, `.tmp` files, garbage), which the spool leaves alone.
    static func firstSequence(of name: String) -> UInt64? {
        guard name.hasSuffix(suffix) else { return nil }
        let digits = name.dropLast(suffix.count)
        guard digits.count == 20, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }) else { return nil }
        return UInt64(digits)
    }
}
