import NetwardenProtocols

extension IPAddress {
    /// Parses dotted-quad IPv4 or RFC 4291 IPv6 text (with `::` and an embedded IPv4 tail), for
    /// configuration and list files; nil for anything else. Pure Swift: this module has no
    /// `inet_pton`.
    public init?(text: some StringProtocol) {
        let utf8 = Array(text.utf8)
        if utf8.contains(UInt8(ascii: ":")) {
            guard let (high, low) = Self.parseIPv6(utf8) else { return nil }
            self.init(ipv6High: high, low: low)
        } else {
            guard let value = Self.parseIPv4(utf8[...]) else { return nil }
            self.init(ipv4: value)
        }
    }

    private static func parseIPv4(_ bytes: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0
        var parts = 0
        var part: UInt32 = 0
        var digits = 0
        for byte in bytes {
            if byte == UInt8(ascii: ".") {
                guard digits > 0, parts < 3 else { return nil }
                value = value << 8 | part
                parts += 1
                part = 0
                digits = 0
            } else if byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                part = part * 10 + UInt32(byte - UInt8(ascii: "0"))
                digits += 1
                guard digits <= 3, part <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard digits > 0, parts == 3 else { return nil }
        return value << 8 | part
    }

    private static func parseIPv6(_ bytes: [UInt8]) -> (UInt64, UInt64)? {
        guard bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawGap = false
        var index = 0
        if bytes.starts(with: [UInt8(ascii: ":"), UInt8(ascii: ":")]) {
            sawGap = true
            index = 2
        } else if bytes.first == UInt8(ascii: ":") {
            return nil
        }
        while index < bytes.count {
            // An IPv4 tail (`::ffff:192.0.2.1`) fills the last two groups.
            if let dot = bytes[index...].firstIndex(of: UInt8(ascii: ".")),
                !bytes[index..<dot].contains(UInt8(ascii: ":"))
            {
                guard let value = parseIPv4(bytes[index...]) else { return nil }
                let groups = [UInt16(value >> 16), UInt16(truncatingIfNeeded: value)]
                if sawGap { tail += groups } else { head += groups }
                index = bytes.count
                break
            }
            var group: UInt16 = 0
            var digits = 0
            while index < bytes.count, bytes[index] != UInt8(ascii: ":") {
                guard let nibble = hexValue(bytes[index]), digits < 4 else { return nil }
                group = group << 4 | UInt16(nibble)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            if sawGap { tail.append(group) } else { head.append(group) }
            if index < bytes.count {
                index += 1  // the colon
                if index < bytes.count, bytes[index] == UInt8(ascii: ":") {
                    guard !sawGap else { return nil }
                    sawGap = true
                    index += 1
                } else if index == bytes.count {
                    return nil  // a trailing single colon
                }
            }
        }
        let total = head.count + tail.count
        guard sawGap ? total < 8 : total == 8 else { return nil }
        let groups = head + [UInt16](repeating: 0, count: 8 - total) + tail
        var high: UInt64 = 0
        var low: UInt64 = 0
        for index in 0..<4 {
            high = high << 16 | UInt64(groups[index])
            low = low << 16 | UInt64(groups[index + 4])
        }
        return (high, low)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// Whether traffic to this address could reach the internet: not unspecified, loopback,
    /// private (RFC 1918, RFC 4193), shared (RFC 6598), link-local, multicast or reserved. A DNS
    /// answer outside these cannot lead a client to the listed site, so it is not a leak.
    public var isGloballyRoutable: Bool {
        switch family {
        case .ipv4:
            return Self.isRoutableIPv4(UInt32(truncatingIfNeeded: low))
        case .ipv6:
            if high == 0, low >> 32 == 0xffff { return Self.isRoutableIPv4(UInt32(truncatingIfNeeded: low)) }
            if high == 0, low <= 1 { return false }  // :: and ::1
            let top = UInt16(truncatingIfNeeded: high >> 48)
            if top & 0xfe00 == 0xfc00 { return false }  // fc00::/7 unique local
            if top & 0xffc0 == 0xfe80 { return false }  // fe80::/10 link-local
            if top & 0xff00 == 0xff00 { return false }  // multicast
            return true
        }
    }

    private static func isRoutableIPv4(_ value: UInt32) -> Bool {
        let first = value >> 24
        let second = value >> 16 & 0xff
        switch first {
        case 0, 10, 127: return false
        case 100 where second & 0xc0 == 64: return false  // 100.64.0.0/10 carrier-grade NAT
        case 169 where second == 254: return false
        case 172 where second & 0xf0 == 16: return false
        case 192 where second == 168: return false
        case 224...: return false  // multicast, reserved, broadcast
        default: return true
        }
    }
}
