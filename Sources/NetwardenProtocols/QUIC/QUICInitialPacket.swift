import Crypto
import CryptoExtras

/// Opening one protected QUIC Initial packet: header-protection removal, packet-number
/// reconstruction and AES-128-GCM decryption (RFC 9001 §5.3–5.4).
///
/// Cost per packet: one AES block (the header-protection mask; `AES.permute` sets up its key
/// schedule every call, ~100 ns), one AES-GCM open over ~1.2 KB, and one plaintext allocation
/// made by swift-crypto. Only Initial packets take this path, a handful per QUIC flow, so the
/// allocation is per flow-start rather than per packet of bulk traffic.
public enum QUICInitialPacket {
    /// Why a packet could not be opened.
    public enum Failure: Error, Sendable, Equatable {
        /// Too short to hold the header-protection sample, packet number and tag.
        case truncated
        /// AEAD authentication failed: wrong keys (another DCID/version) or corrupted bytes.
        case authenticationFailed
    }

    /// Bytes sampled for header protection, taken 4 bytes after the packet-number start.
    static let sampleLength = 16
    /// AES-GCM tag length.
    static let tagLength = 16

    /// Removes protection from `packet` (exactly one packet, `header.packetLength` bytes, as
    /// located by `QUICLongHeader.parse`) and hands the packet number and plaintext to `body`.
    /// `largestPacketNumber` is the largest number already opened in this connection's Initial
    /// space (`-1` for none). `headerScratch` is reused to build the unprotected header (the AAD)
    /// without allocating once it has grown to the header size.
    public static func open<Result>(
        _ packet: UnsafeRawBufferPointer,
        header: QUICLongHeader,
        keys: QUICInitialKeys,
        largestPacketNumber: Int64,
        headerScratch: inout [UInt8],
        _ body: (Int64, UnsafeRawBufferPointer) -> Result
    ) -> Swift.Result<Result, Failure> {
        let pnOffset = header.packetNumberOffset
        guard packet.count >= pnOffset + 4 + sampleLength, packet.count >= pnOffset + 1 + tagLength else {
            return .failure(.truncated)
        }

        // Header-protection mask = AES-ECB(hp, sample) (RFC 9001 §5.4.3).
        var mask = HeaderProtectionMask(
            sample: UnsafeRawBufferPointer(rebasing: packet[(pnOffset + 4)..<(pnOffset + 4 + sampleLength)])
        )
        guard mask.apply(key: keys.headerProtectionKey) else { return .failure(.truncated) }

        // Long headers protect the low 4 bits of the first byte (reserved bits + pn length).
        let firstByte = packet[0] ^ (mask[0] & 0x0f)
        let pnLength = Int(firstByte & 0x03) + 1
        guard packet.count >= pnOffset + pnLength + tagLength else { return .failure(.truncated) }

        headerScratch.removeAll(keepingCapacity: true)
        headerScratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: packet[0..<(pnOffset + pnLength)]))
        headerScratch[0] = firstByte
        var truncated: UInt32 = 0
        for index in 0..<pnLength {
            let byte = headerScratch[pnOffset + index] ^ mask[1 + index]
            headerScratch[pnOffset + index] = byte
            truncated = truncated << 8 | UInt32(byte)
        }
        let packetNumber = QUICPacketNumber.decode(truncated: truncated, length: pnLength, largest: largestPacketNumber)

        // Nonce = IV XOR the 62-bit packet number, right-aligned (RFC 9001 §5.3).
        var nonceBytes = keys.iv
        for index in 0..<8 {
            nonceBytes[nonceBytes.count - 1 - index] ^= UInt8(truncatingIfNeeded: packetNumber >> (8 * index))
        }
        let payloadStart = pnOffset + pnLength
        let ciphertext = UnsafeRawBufferPointer(rebasing: packet[payloadStart..<(packet.count - tagLength)])
        let tag = UnsafeRawBufferPointer(rebasing: packet[(packet.count - tagLength)...])
        do {
            let nonce = try AES.GCM.Nonce(data: nonceBytes)
            let sealed = try AES.GCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag)
            let plaintext = try headerScratch.withUnsafeBytes { aad in
                try AES.GCM.open(sealed, using: keys.key, authenticating: aad)
            }
            return .success(withContiguousBytes(plaintext) { body(packetNumber, $0) })
        } catch {
            return .failure(.authenticationFailed)
        }
    }

    /// Reads swift-crypto's plaintext through the standard-library `Collection` interface only,
    /// so this module never names (or imports) Foundation's `Data`.
    private static func withContiguousBytes<Bytes: Collection<UInt8>, Result>(
        _ bytes: Bytes,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
            return result
        }
        return Array(bytes).withUnsafeBytes(body)
    }
}

/// The 16-byte header-protection block, kept inline (no heap) because it is computed per packet.
struct HeaderProtectionMask {
    private var block: (UInt64, UInt64) = (0, 0)

    init(sample: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &block) { $0.copyMemory(from: sample) }
    }

    /// Encrypts the sample in place; `false` if the key is unusable.
    mutating func apply(key: SymmetricKey) -> Bool {
        withUnsafeMutableBytes(of: &block) { raw in
            var bytes = raw
            return (try? AES.permute(&bytes, key: key)) != nil
        }
    }

    subscript(index: Int) -> UInt8 {
        withUnsafeBytes(of: block) { $0[index] }
    }
}
