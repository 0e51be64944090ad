import CQUICCrypto

/// The Initial packet-protection keys for one direction of one QUIC connection attempt.
///
/// Derived from the client's first Destination Connection ID (RFC 9001 §5.2, RFC 9369 §3.3.1):
/// HKDF-Extract(version salt, DCID), then HKDF-Expand-Label "client in"/"server in", then
/// "quic key"/"quic iv"/"quic hp" ("quicv2 ..." for v2). Initial packets always use
/// AES-128-GCM with AES header protection, whatever suite the handshake later negotiates.
///
/// A plain value: 44 bytes of key material held inline, so deriving costs no allocation and the
/// keys can be kept, copied and read from any thread. The derivation itself is libcrypto's
/// SHA-256 (CQUICCrypto): ten compressions, well under a microsecond, where swift-crypto's hash
/// and key objects made it several. Reassemblers still derive once per DCID and keep the result.
public struct QUICInitialKeys: Sendable {
    /// Which endpoint's packets these keys open.
    public enum Sender: Sendable {
        case client
        case server
    }

    /// The version whose constants produced these keys.
    public let version: QUICVersion
    /// key (16 bytes), IV (12), 4 unused, header-protection key (16).
    private var material: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
    private static let keyRange = 0..<16
    private static let ivRange = 16..<28
    private static let headerProtectionRange = 32..<48

    /// Derives the keys for packets sent by `sender` in a connection whose client first chose
    /// `originalDCID`.
    public init(version: QUICVersion, originalDCID: UnsafeRawBufferPointer, sender: Sender = .client) {
        self.version = version
        var material = self.material
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 32) { secret in
            Self.derive(version: version, originalDCID: originalDCID, sender: sender, secret: secret, into: &material)
        }
        self.material = material
    }

    /// AES-128-GCM packet key bytes (the RFC vectors and the test-side encoder use them).
    public var keyBytes: [UInt8] { withKey { Array($0) } }
    /// AEAD IV (12 bytes); the nonce is this XOR the packet number.
    public var iv: [UInt8] { withIV { Array($0) } }
    /// Header-protection key bytes.
    public var headerProtectionKeyBytes: [UInt8] { withHeaderProtectionKey { Array($0) } }

    func withKey<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: material) { body(UnsafeRawBufferPointer(rebasing: $0[Self.keyRange])) }
    }

    func withIV<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: material) { body(UnsafeRawBufferPointer(rebasing: $0[Self.ivRange])) }
    }

    func withHeaderProtectionKey<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        withUnsafeBytes(of: material) { body(UnsafeRawBufferPointer(rebasing: $0[Self.headerProtectionRange])) }
    }

    /// The "client in"/"server in" traffic secret bytes, so tests can check each step of the
    /// derivation against the RFC vectors.
    public static func trafficSecretBytes(
        version: QUICVersion,
        originalDCID: UnsafeRawBufferPointer,
        sender: Sender
    ) -> [UInt8] {
        var material: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0)
        var secret = [UInt8](repeating: 0, count: 32)
        secret.withUnsafeMutableBufferPointer {
            derive(version: version, originalDCID: originalDCID, sender: sender, secret: $0, into: &material)
        }
        return secret
    }

    /// Fills `material` and the 32-byte `secret`.
    private static func derive(
        version: QUICVersion,
        originalDCID: UnsafeRawBufferPointer,
        sender: Sender,
        secret: UnsafeMutableBufferPointer<UInt8>,
        into material: inout (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    ) {
        precondition(secret.count >= 32)
        let derived = withUnsafeMutableBytes(of: &material) { out in
            let base = out.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return version.initialSalt.withUnsafeBufferPointer { salt in
                CQUICCrypto_deriveInitial(
                    salt.baseAddress,
                    salt.count,
                    originalDCID.baseAddress?.assumingMemoryBound(to: UInt8.self),
                    originalDCID.count,
                    sender == .client ? "client in" : "server in",
                    version.labelPrefix,
                    secret.baseAddress,
                    base + keyRange.lowerBound,
                    base + ivRange.lowerBound,
                    base + headerProtectionRange.lowerBound
                )
            }
        }
        // Only a salt over one block or a label over 255 bytes fails; the version table has neither.
        precondition(derived == 1, "QUIC Initial key derivation failed for version \(version.rawValue)")
    }
}
