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
        let initialSecret = HKDF<SHA256>.extract(
            inputKeyMaterial: SymmetricKey(data: originalDCID),
            salt: version.initialSalt
        )
        return expandLabel(
            SymmetricKey(data: initialSecret),
            sender == .client ? "client in" : "server in",
            length: 32
        )
    }

    /// TLS 1.3 HKDF-Expand-Label (RFC 8446 §7.1) with an empty context, which is all QUIC uses.
    static func expandLabel(_ secret: SymmetricKey, _ label: String, length: Int) -> SymmetricKey {
        var info: [UInt8] = []
        info.reserveCapacity(4 + 6 + label.utf8.count)
        info.append(UInt8(truncatingIfNeeded: length >> 8))
        info.append(UInt8(truncatingIfNeeded: length))
        info.append(UInt8(6 + label.utf8.count))
        info.append(contentsOf: "tls13 ".utf8)
        info.append(contentsOf: label.utf8)
        info.append(0)
        return HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: length)
    }
}
