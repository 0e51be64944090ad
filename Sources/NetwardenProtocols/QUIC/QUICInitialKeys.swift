import Crypto

/// The Initial packet-protection keys for one direction of one QUIC connection attempt.
///
/// Derived from the client's first Destination Connection ID (RFC 9001 §5.2, RFC 9369 §3.3.1):
/// HKDF-Extract(version salt, DCID), then HKDF-Expand-Label "client in"/"server in", then
/// "quic key"/"quic iv"/"quic hp" ("quicv2 ..." for v2). Initial packets always use
/// AES-128-GCM with AES header protection, whatever suite the handshake later negotiates.
///
/// Cost: one HKDF-Extract and four HKDF-Expand-Label calls, i.e. five HMAC-SHA256 computations
/// and three small allocations (the two `SymmetricKey`s and the IV). That is why reassemblers
/// derive once per DCID and keep the result, instead of per packet.
public struct QUICInitialKeys: Sendable {
    /// Which endpoint's packets these keys open.
    public enum Sender: Sendable {
        case client
        case server
    }

    /// The version whose constants produced these keys.
    public let version: QUICVersion
    /// AES-128-GCM packet key (16 bytes).
    public let key: SymmetricKey
    /// AEAD IV (12 bytes); the nonce is this XOR the packet number.
    public let iv: [UInt8]
    /// AES-128 header-protection key (16 bytes).
    public let headerProtectionKey: SymmetricKey

    /// Derives the keys for packets sent by `sender` in a connection whose client first chose
    /// `originalDCID`.
    public init(version: QUICVersion, originalDCID: UnsafeRawBufferPointer, sender: Sender = .client) {
        let secret = Self.trafficSecretDigest(version: version, originalDCID: originalDCID, sender: sender)
        self.version = version
        self.key = secret.withUnsafeBytes { secret in
            Self.expandLabel(secret, version.labelPrefix + " key", length: 16) { SymmetricKey(data: $0) }
        }
        self.iv = secret.withUnsafeBytes { secret in
            Self.expandLabel(secret, version.labelPrefix + " iv", length: 12) { Array($0) }
        }
        self.headerProtectionKey = secret.withUnsafeBytes { secret in
            Self.expandLabel(secret, version.labelPrefix + " hp", length: 16) { SymmetricKey(data: $0) }
        }
    }

    /// AES-128-GCM packet key bytes (the RFC vectors and the test-side encoder use them).
    public var keyBytes: [UInt8] { key.withUnsafeBytes { Array($0) } }
    /// Header-protection key bytes.
    public var headerProtectionKeyBytes: [UInt8] { headerProtectionKey.withUnsafeBytes { Array($0) } }

    /// The "client in"/"server in" traffic secret bytes, so tests can check each step of the
    /// derivation against the RFC vectors.
    public static func trafficSecretBytes(
        version: QUICVersion,
        originalDCID: UnsafeRawBufferPointer,
        sender: Sender
    ) -> [UInt8] {
        trafficSecretDigest(version: version, originalDCID: originalDCID, sender: sender).withUnsafeBytes { Array($0) }
    }

    static func trafficSecretDigest(
        version: QUICVersion,
        originalDCID: UnsafeRawBufferPointer,
        sender: Sender
    ) -> SHA256Digest {
        // HKDF-Extract is one HMAC keyed with the salt (RFC 5869 2.2).
        let initialSecret = version.initialSalt.withUnsafeBytes { salt in
            HMACSHA256.code(key: salt, message: originalDCID)
        }
        return initialSecret.withUnsafeBytes { initialSecret in
            let label = sender == .client ? "client in" : "server in"
            return expandLabelInfo(label, length: 32) { info in HMACSHA256.code(key: initialSecret, message: info) }
        }
    }

    /// HKDF-Expand-Label (RFC 8446 7.1) for outputs of at most 32 bytes, which is every QUIC
    /// Initial secret: a single HMAC over `info || 0x01` (RFC 5869 2.3, T(1)), whose first
    /// `length` bytes `body` receives. Written out rather than through `HKDF.expand` (about
    /// 9.5 µs per handshake in key objects and copies) or `HMAC<SHA256>` with `SymmetricKey`s
    /// (5.5 µs): every new QUIC flow on a busy gateway pays this.
    static func expandLabel<Result>(
        _ secret: UnsafeRawBufferPointer,
        _ label: String,
        length: Int,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(length <= SHA256.byteCount, "single-block HKDF-Expand only")
        let block = expandLabelInfo(label, length: length) { info in HMACSHA256.code(key: secret, message: info) }
        return block.withUnsafeBytes { body(UnsafeRawBufferPointer(rebasing: $0[..<length])) }
    }

    /// The HkdfLabel structure plus the T(1) counter byte, built on the stack.
    private static func expandLabelInfo<Result>(
        _ label: String,
        length: Int,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        var label = label
        return label.withUTF8 { label in
            // 2 (length) + 1 + "tls13 " + label + 1 (context) + 1 (counter) must fit the buffer.
            precondition(label.count <= 64 - 11, "HKDF label too long for the stack buffer")
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { info in
                var count = 0
                func append(_ byte: UInt8) {
                    info[count] = byte
                    count += 1
                }
                append(UInt8(truncatingIfNeeded: length >> 8))
                append(UInt8(truncatingIfNeeded: length))
                append(UInt8(6 + label.count))
                for byte in "tls13 ".utf8 { append(byte) }
                for byte in label { append(byte) }
                append(0)  // empty context
                append(1)  // T(1) counter
                return body(UnsafeRawBufferPointer(UnsafeMutableBufferPointer(rebasing: info[..<count])))
            }
        }
    }
}

/// HMAC-SHA256 (RFC 2104) for keys of at most one block, over swift-crypto's SHA-256: the
/// padded keys live on the stack, so a code costs two hash contexts and no key objects.
enum HMACSHA256 {
    static func code(key: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer) -> SHA256Digest {
        precondition(key.count <= 64, "keys longer than a block are hashed first; QUIC's never are")
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { pad in
            for index in 0..<64 { pad[index] = (index < key.count ? key[index] : 0) ^ 0x36 }
            var inner = SHA256()
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            inner.update(bufferPointer: message)
            let innerDigest = inner.finalize()
            for index in 0..<64 { pad[index] ^= 0x36 ^ 0x5c }
            var outer = SHA256()
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
            innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
            return outer.finalize()
        }
    }
}
