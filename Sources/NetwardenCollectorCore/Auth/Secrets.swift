import Crypto

/// Random secrets and their stored hashes.
///
/// `SystemRandomNumberGenerator` reads getrandom(2) on Linux, the kernel's CSPRNG, so no
/// failure path and no extra library.
public enum Secrets {
    /// Agent tokens: a prefix that makes a leaked one recognisable in logs and secret scanners,
    /// then 256 random bits in hex.
    public static func newAgentToken() -> String { "nwa_" + hex(randomBytes(32)) }

    /// Session cookies and CSRF tokens: 256 random bits in hex.
    public static func newSessionToken() -> String { hex(randomBytes(32)) }

    /// A password a person can type: 20 characters from an alphabet without look-alikes
    /// (no 0/O, 1/l/I), about 115 bits.
    public static func newPassword() -> String {
        let alphabet = Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<20).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &generator)] })
    }

    public static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// SHA-256 of a high-entropy secret (agent token, session token), in hex as stored. A slow
    /// hash is not needed for 256 random bits: nobody can guess them, so the hash only keeps a
    /// stolen database from being a list of working tokens.
    public static func tokenHash(_ token: String) -> String { hex(Array(SHA256.hash(data: Array(token.utf8)))) }

    /// Equality that takes the same time wherever the first difference is.
    public static func constantTimeEqual(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for index in lhs.indices { difference |= lhs[index] ^ rhs[index] }
        return difference == 0
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The bytes of a hex string as `hex` writes it; nil for anything else.
    public static func bytes(hex text: String) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
            index += 2
        }
        return out
    }
}
