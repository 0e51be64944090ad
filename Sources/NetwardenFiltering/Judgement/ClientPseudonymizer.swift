import Crypto
import NetwardenProtocols

/// Turns client addresses into what events carry: a keyed pseudonym, or the address itself when
/// the school keeps addresses for safeguarding (`keep_client_addresses = true`).
///
/// HMAC-SHA256 with a per-gateway secret key rather than a plain hash: IPv4 space is small
/// enough to hash exhaustively, so an unkeyed hash would be no pseudonym at all. The same key
/// gives the same pseudonym for the same client across restarts (the daemon stores the key), so
/// repeated bypasses by one device can still be followed without knowing which device it is.
public struct ClientPseudonymizer: Sendable {
    private let key: SymmetricKey?

    /// Pseudonymises with `key` (any length; 32 bytes is what `generateKey` makes).
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    private init() { key = nil }

    /// Keeps addresses as they are.
    public static let keepingAddresses = ClientPseudonymizer()

    /// Whether events carry real addresses.
    public var keepsAddresses: Bool { key == nil }

    /// 32 random bytes for a new key; the daemon writes them to `pseudonym_key_file`.
    public static func generateKey() -> [UInt8] {
        SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
    }

    /// `c-` and 12 hex digits (48 bits: collisions are negligible for the few thousand devices
    /// of a school), or the address text.
    public func identifier(for address: IPAddress) -> String {
        guard let key else { return address.description }
        let code = HMAC<SHA256>.authenticationCode(for: address.bytes, using: key)
        return "c-" + code.prefix(6).hexString
    }
}

extension Sequence<UInt8> {
    /// Lowercase hex, two digits a byte.
    var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for byte in self {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
