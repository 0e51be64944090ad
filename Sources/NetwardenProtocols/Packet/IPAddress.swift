/// An IPv4 or IPv6 address as a 17-byte value: two 64-bit halves and a family.
///
/// Decoding copies addresses out of the frame into this value (no heap), so it can outlive the
/// capture buffer and serve as a dictionary key (flow tables, reassembly keys). IPv4 addresses sit
/// in the low 32 bits of `low`. Printing allocates and is meant for logs, events and tests.
public struct IPAddress: Hashable, Sendable {
    /// Address family.
    public enum Family: UInt8, Hashable, Sendable {
        case ipv4 = 4
        case ipv6 = 6
    }

    public let family: Family
    /// First 8 bytes of an IPv6 address in network order; 0 for IPv4.
    public let high: UInt64
    /// Last 8 bytes of an IPv6 address, or the IPv4 address in its low 32 bits.
    public let low: UInt64

    /// An IPv4 address from its 32-bit network-order value (`0xc0000201` is 192.0.2.1).
    public init(ipv4 value: UInt32) {
        family = .ipv4
        high = 0
        low = UInt64(value)
    }

    /// An IPv6 address from its two network-order halves.
    public init(ipv6High high: UInt64, low: UInt64) {
        family = .ipv6
        self.high = high
        self.low = low
    }

    /// Reads 4 or 16 network-order bytes; `nil` for any other length.
    public init?(bytes: UnsafeRawBufferPointer) {
        var reader = ByteReader(bytes)
        switch bytes.count {
        case 4:
            self.init(ipv4: reader.readUInt32()!)
        case 16:
            let high = UInt64(reader.readUInt32()!) << 32 | UInt64(reader.readUInt32()!)
            let low = UInt64(reader.readUInt32()!) << 32 | UInt64(reader.readUInt32()!)
            self.init(ipv6High: high, low: low)
        default:
            return nil
        }
    }

    /// Convenience for tests and configuration: 4 or 16 bytes.
    public init?(_ bytes: [UInt8]) {
        guard let address = bytes.withUnsafeBytes({ IPAddress(bytes: $0) }) else { return nil }
        self = address
    }

    /// The IPv4 value, if this is IPv4.
    public var ipv4Value: UInt32? { family == .ipv4 ? UInt32(truncatingIfNeeded: low) : nil }

    /// The address in network byte order (4 or 16 bytes); allocates.
    public var bytes: [UInt8] {
        switch family {
        case .ipv4:
            return (0..<4).map { UInt8(truncatingIfNeeded: low >> (24 - 8 * UInt64($0))) }
        case .ipv6:
            let first = (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * UInt64($0))) }
            return first + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * UInt64($0))) }
        }
    }
}

extension IPAddress: CustomStringConvertible {
    /// Dotted quad for IPv4; RFC 5952 canonical text for IPv6 (lowercase hex, no leading zeros, the
    /// longest run of two or more zero groups as `::`, the first run on a tie, and IPv4-mapped
    /// addresses as `::ffff:a.b.c.d`), so the same address always logs the same way.
    public var description: String {
        withText { String(decoding: $0, as: UTF8.self) }
    }

    /// The address's text (as `description` gives it) written into a stack buffer, for callers
    /// that copy it into output of their own: every name `analyze` prints carries two addresses,
    /// and a `String` each (an array and several more for IPv6) was a visible share of the run.
    public func withText<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        // The longest text is an IPv4-mapped address: "::ffff:255.255.255.255", 22 bytes; full
        // IPv6 is at most 39.
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 48) { buffer in
            var count = 0
            func append(_ byte: UInt8) {
                buffer[count] = byte
                count += 1
            }
            func appendDottedQuad(_ value: UInt32) {
                for shift in stride(from: 24, through: 0, by: -8) {
                    let octet = Int(value >> UInt32(shift) & 0xff)
                    if octet >= 100 { append(UInt8(ascii: "0") + UInt8(octet / 100)) }
                    if octet >= 10 { append(UInt8(ascii: "0") + UInt8(octet / 10 % 10)) }
                    append(UInt8(ascii: "0") + UInt8(octet % 10))
                    if shift > 0 { append(UInt8(ascii: ".")) }
                }
            }
            func group(_ index: Int) -> UInt16 {
                let half = index < 4 ? high : low
                return UInt16(truncatingIfNeeded: half >> (48 - 16 * UInt64(index & 3)))
            }
            switch family {
            case .ipv4:
                appendDottedQuad(UInt32(truncatingIfNeeded: low))
            case .ipv6 where high == 0 && low >> 32 == 0xffff:
                for byte in "::ffff:".utf8 { append(byte) }
                appendDottedQuad(UInt32(truncatingIfNeeded: low))
            case .ipv6:
                // RFC 5952 4.2.3: the longest run of zero groups, the first on a tie.
                var bestStart = -1
                var bestLength = 0
                var index = 0
                while index < 8 {
                    guard group(index) == 0 else {
                        index += 1
                        continue
                    }
                    var end = index
                    while end < 8, group(end) == 0 { end += 1 }
                    if end - index > bestLength {
                        bestStart = index
                        bestLength = end - index
                    }
                    index = end
                }
                // RFC 5952 4.2.2: a single zero group is never shortened to "::".
                if bestLength < 2 { bestStart = -1 }
                index = 0
                while index < 8 {
                    if index == bestStart {
                        append(UInt8(ascii: ":"))
                        append(UInt8(ascii: ":"))
                        index += bestLength
                        continue
                    }
                    if count > 0, buffer[count - 1] != UInt8(ascii: ":") { append(UInt8(ascii: ":")) }
                    let value = group(index)
                    var started = false
                    for shift in stride(from: 12, through: 0, by: -4) {
                        let digit = UInt8(truncatingIfNeeded: value >> UInt16(shift)) & 0xf
                        if digit == 0 && !started && shift > 0 { continue }
                        started = true
                        append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "a") + digit - 10)
                    }
                    index += 1
                }
            }
            return body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: buffer[..<count])))
        }
    }
}
