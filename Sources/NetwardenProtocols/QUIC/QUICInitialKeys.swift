import Crypto

/// The Initial packet-protection keys for one direction of one QUIC connection attempt.
///
/// Derived from the client's first Destination Connection ID (RFC 9001 §5.2, RFC 9369 §3.3.1):
/// HKDF-Extract(version salt, DCID), then HKDF-Expand-Label "client in"/"server in", then
/// "quic key"/"quic iv"/"quic hp" ("quicv2 ..." for v2). Initial packets always use
/// AES-128-GCM with AES header protection, whatever suite the handshake later negotiates.
///
/// Cost: one HKDF-Extract and four HKDF-Expand-Label calls, i.e. about ten HMAC-SHA256
/// computations and a few small allocations (a few microseconds). That is why reassemblers derive
/// once per DCID and keep the result, instead of per packet.
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
        let secret = Self.trafficSecret(version: version, originalDCID: originalDCID, sender: sender)
        self.version = version
        self.key = Self.expandLabel(secret, version.labelPrefix + " key", length: 16)
        self.iv = Self.expandLabel(secret, version.labelPrefix + " iv", length: 12).withUnsafeBytes { Array($0) }
        self.headerProtectionKey = Self.expandLabel(secret, version.labelPrefix + " hp", length: 16)
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
        trafficSecret(version: version, originalDCID: originalDCID, sender: sender).withUnsafeBytes { Array($0) }
    }

    static func trafficSecret(
        version: QUICVersion,
        originalDCID: UnsafeRawBufferPointer,
        sender: Sender
    ) -> SymmetricKey {
        // HKDF-Extract is one HMAC keyed with the salt (RFC 5869 2.2).
        let initialSecret = SymmetricKey(
            data: HMAC<SHA256>.authenticationCode(for: originalDCID, using: SymmetricKey(data: version.initialSalt))
        )
        return expandLabel(initialSecret, sender == .client ? "client in" : "server in", length: 32)
    }

    /// HKDF-Expand-Label (RFC 8446 7.1) for outputs of at most 32 bytes, which is every QUIC
    /// Initial secret: a single HMAC over `info || 0x01` (RFC 5869 2.3, T(1)). Written out rather
    /// than through `HKDF.expand` because that path cost about 9.5 µs per handshake in key objects
    /// and copies; this is what every new QUIC flow on a busy gateway pays.
    static func expandLabel(_ secret: SymmetricKey, _ label: String, length: Int) -> SymmetricKey {
        precondition(length <= SHA256.byteCount, "single-block HKDF-Expand only")
        var info: [UInt8] = []
        info.reserveCapacity(4 + 6 + label.utf8.count + 1)
        info.append(UInt8(truncatingIfNeeded: length >> 8))
        info.append(UInt8(truncatingIfNeeded: length))
        info.append(UInt8(6 + label.utf8.count))
        info.append(contentsOf: "tls13 ".utf8)
        info.append(contentsOf: label.utf8)
        info.append(0)  // empty context
        info.append(1)  // T(1) counter
        let block = HMAC<SHA256>.authenticationCode(for: info, using: secret)
        return block.withUnsafeBytes { SymmetricKey(data: UnsafeRawBufferPointer(rebasing: $0[..<length])) }
    }
}
