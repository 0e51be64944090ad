/// Reads (possibly compressed) DNS names out of a whole message into a ``DomainName``.
///
/// Compression is where DNS parsers loop forever or read out of bounds, so the rules are strict:
/// a pointer may only go to data that starts before the run of labels it was found in (every
/// honest compressor points at bytes it already wrote, so this is never too strict), which makes
/// each jump strictly backwards and loops impossible; on top of that at most
/// ``maxPointerHops`` pointers are followed. Names are limited to 255 wire bytes and come out
/// lowercase, dot-separated, without a trailing dot; the root is the empty name.
public enum DNSNameDecoder {
    /// Most compression pointers followed in one name.
    public static let maxPointerHops = 16

    /// Decodes the name at `start` in `message` into `name` and returns the offset just past it
    /// where it appears (after the first pointer, if any).
    public static func decode(
        _ message: UnsafeRawBufferPointer,
        at start: Int,
        into name: inout DomainName
    ) throws(DNSFailure) -> Int {
        name.removeAll()
        return try walk(message, at: start, into: &name, storing: true)
    }

    /// Validates the name at `start` exactly as ``decode(_:at:into:)`` would, without storing it;
    /// returns the offset just past it.
    public static func skip(_ message: UnsafeRawBufferPointer, at start: Int) throws(DNSFailure) -> Int {
        var unused = DomainName()
        return try walk(message, at: start, into: &unused, storing: false)
    }

    private static func walk(
        _ message: UnsafeRawBufferPointer,
        at start: Int,
        into name: inout DomainName,
        storing: Bool
    ) throws(DNSFailure) -> Int {
        var position = start
        // Pointers must land strictly before this; it moves back with every jump.
        var limit = start
        var resumeAt: Int?
        var hops = 0
        var wireLength = 0
        while true {
            guard position >= 0, position < message.count else { throw .truncated }
            let length = message[position]
            switch length & 0xc0 {
            case 0x00:
                wireLength += 1 + Int(length)
                guard wireLength <= 255 else { throw .nameTooLong }
                if length == 0 { return resumeAt ?? position + 1 }
                let labelStart = position + 1
                let labelEnd = labelStart + Int(length)
                guard labelEnd <= message.count else { throw .truncated }
                let label = UnsafeRawBufferPointer(rebasing: message[labelStart..<labelEnd])
                // Checked when skipping too, so a name that skips cleanly always decodes.
                guard !label.contains(UInt8(ascii: ".")) else { throw .badLabelCharacter }
                if storing {
                    // Capacity cannot run out: 255 wire bytes are at most 253 text bytes.
                    if !name.isEmpty { _ = name.append(UInt8(ascii: ".")) }
                    _ = name.append(contentsOf: label)
                }
                position = labelEnd
            case 0xc0:
                guard position + 1 < message.count else { throw .truncated }
                let target = Int(length & 0x3f) << 8 | Int(message[position + 1])
                guard target < position else { throw .forwardPointer }
                guard target < limit, hops < maxPointerHops else { throw .pointerLoop }
                hops += 1
                if resumeAt == nil { resumeAt = position + 2 }
                limit = target
                position = target
            default:
                throw .badLabelType
            }
        }
    }
}
