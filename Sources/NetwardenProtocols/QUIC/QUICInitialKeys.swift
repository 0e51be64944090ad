import Crypto

/// The Initial packet-protection keys for one direction of one QUIC connection attempt.
///
/// Derived from the client's first Destination Connection ID (RFC 9001 §5.2, RFC 9369 §3.3.1):
/// HKDF-Extract(version salt, DCID), then HKDF-Expand-Label "client in"/"server in", then
/// "quic key"/"quic iv"/"quic hp" ("quicv2 ..." for v2). Initial packets always use
/// AES-128-GCM with AES header protection, whatever suite the handshake later negotiates.
///
/// Cost: one HKDF-Extract and four HKDF-Expand-Label calls, i.e. five HMAC-SHA256 computations
/// (with the salt's keyed state kept per version and the traffic secret's shared by the three
/// labels: ten SHA-256 compressions instead of twenty) and a few small allocations (the hash
/// states, the two `SymmetricKey`s and the IV). That is why reassemblers derive once per DCID and
/// keep the result, instead of per packet.
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
        // One keyed state for the three labels: its padded blocks are hashed once, not three times.
        let traffic = secret.withUnsafeBytes { HMACSHA256Key(key: $0) }
        self.version = version
        self.key = Self.expandLabel(traffic, version.labelPrefix + " key", length: 16) { SymmetricKey(data: $0) }
        self.iv = Self.expandLabel(traffic, version.labelPrefix + " iv", length: 12) { Array($0) }
        self.headerProtectionKey = Self.expandLabel(traffic, version.labelPrefix + " hp", length: 16) {
            SymmetricKey(data: $0)
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
        // HKDF-Extract is one HMAC keyed with the salt (RFC 5869 2.2); the version keeps that
        // keyed state, so only the DCID is hashed here.
        let initialSecret = version.saltKey.code(message: originalDCID)
        let initial = initialSecret.withUnsafeBytes { HMACSHA256Key(key: $0) }
        let label = sender == .client ? "client in" : "server in"
        return expandLabelInfo(label, length: 32) { info in initial.code(message: info) }
    }

    /// HKDF-Expand-Label (RFC 8446 7.1) for outputs of at most 32 bytes, which is every QUIC
    /// Initial secret: a single HMAC over `info || 0x01` (RFC 5869 2.3, T(1)), whose first
    /// `length` bytes `body` receives. Written out rather than through `HKDF.expand` (about
    /// 9.5 µs per handshake in key objects and copies) or `HMAC<SHA256>` with `SymmetricKey`s
    /// (5.5 µs): every new QUIC flow on a busy gateway pays this.
    static func expandLabel<Result>(
        _ secret: HMACSHA256Key,
        _ label: String,
        length: Int,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(length <= SHA256.byteCount, "single-block HKDF-Expand only")
        let block = expandLabelInfo(label, length: length) { info in secret.code(message: info) }
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

/// HMAC-SHA256 (RFC 2104) keyed once, for keys of at most one block, over swift-crypto's
/// SHA-256: the inner and outer padded key blocks are hashed at init and the two hash states kept,
/// so each code costs the message and the inner digest only (one compression each for QUIC's
/// short inputs, where recomputing the pads doubled it). The version salts are keyed once per
/// process; a derivation keys the initial and traffic secrets once each and reuses the traffic
/// secret's state for its three labels.
struct HMACSHA256Key: Sendable {
    private let inner: SHA256
    private let outer: SHA256

    init(key: UnsafeRawBufferPointer) {
        precondition(key.count <= 64, "keys longer than a block are hashed first; QUIC's never are")
        (inner, outer) = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 64) { pad in
            for index in 0..<64 { pad[index] = (index < key.count ? key[index] : 0) ^ 0x36 }
            var inner = SHA256()
            inner.update(bufferPointer: UnsafeRawBufferPointer(pad))
            for index in 0..<64 { pad[index] ^= 0x36 ^ 0x5c }
            var outer = SHA256()
            outer.update(bufferPointer: UnsafeRawBufferPointer(pad))
            return (inner, outer)
        }
    }

    func code(message: UnsafeRawBufferPointer) -> SHA256Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        let innerDigest = inner.finalize()
        var outer = self.outer
        innerDigest.withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}
