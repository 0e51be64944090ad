/// Encodes the query the active DNS probe sends (not on the packet path; may allocate).
public enum DNSQuery {
    /// Appends a one-question query for `name` (class IN) to `buffer`.
    ///
    /// `name` is text: labels separated by dots, an optional trailing dot, `.` alone for the root.
    /// Labels may hold letters, digits, `-` and `_` (service labels such as `_dns`); anything else,
    /// including non-ASCII, is refused so the probe never sends a name other than the one
    /// configured (IDNs must be given in their `xn--` form). Case is kept as given.
    public static func encode(
        id: UInt16,
        name: String,
        type: DNSRecordType,
        recursionDesired: Bool = true,
        into buffer: inout [UInt8]
    ) throws(DNSQueryError) {
        let encodedName = try encodeName(name)
        buffer.reserveCapacity(buffer.count + 12 + encodedName.count + 4)
        let flags: UInt16 = recursionDesired ? 0x0100 : 0
        for word in [id, flags, 1, 0, 0, 0] {
            buffer.append(UInt8(word >> 8))
            buffer.append(UInt8(word & 0xff))
        }
        buffer.append(contentsOf: encodedName)
        buffer.append(contentsOf: [UInt8(type.rawValue >> 8), UInt8(type.rawValue & 0xff), 0, 1])
    }

    /// The uncompressed wire form of `name`, validated.
    public static func encodeName(_ name: String) throws(DNSQueryError) -> [UInt8] {
        if name == "." { return [0] }
        var text = Substring(name)
        if text.hasSuffix(".") { text = text.dropLast() }
        var wire: [UInt8] = []
        for label in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !label.isEmpty else {
                throw DNSQueryError(code: .emptyLabel, name: name, message: "empty label (two dots, or a leading dot)")
            }
            let bytes = Array(label.utf8)
            guard bytes.count <= 63 else {
                throw DNSQueryError(
                    code: .labelTooLong,
                    name: name,
                    message: "label \"\(label)\" is \(bytes.count) bytes, the limit is 63"
                )
            }
            for byte in bytes where !isAllowed(byte) {
                throw DNSQueryError(
                    code: .invalidCharacter,
                    name: name,
                    message: "label \"\(label)\" contains a character other than letters, digits, '-' and '_'"
                )
            }
            wire.append(UInt8(bytes.count))
            wire.append(contentsOf: bytes)
        }
        wire.append(0)
        guard wire.count <= 255 else {
            throw DNSQueryError(
                code: .nameTooLong,
                name: name,
                message: "name is \(wire.count) bytes on the wire, the limit is 255"
            )
        }
        return wire
    }

    private static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"):
            true
        default:
            false
        }
    }
}
