import CQUICCrypto

/// Opening one protected QUIC Initial packet: header-protection removal, packet-number
/// reconstruction and AES-128-GCM decryption (RFC 9001 §5.3–5.4).
///
/// Cost per packet (libcrypto through CQUICCrypto, with a cipher context per thread): one AES
/// block for the header-protection mask, one AES-GCM open over ~1.2 KB into `plaintextScratch`,
/// and no allocation once the scratch buffers have grown to a packet.
public enum QUICInitialPacket {
    /// Why a packet could not be opened.
    public enum Failure: Error, Sendable, Equatable {
        /// Too short to hold the header-protection sample, packet number and tag.
        case truncated
        /// AEAD authentication failed: wrong keys (another DCID/version) or corrupted bytes.
        case authenticationFailed
        /// libcrypto could not set up AES (no AES-128-GCM/ECB in its providers, or out of
        /// memory): nothing can be opened in this process.
        case cryptoUnavailable
    }

    /// Bytes sampled for header protection, taken 4 bytes after the packet-number start.
    static let sampleLength = 16
    /// AES-GCM tag length.
    static let tagLength = 16

    /// Removes protection from `packet` (exactly one packet, `header.packetLength` bytes, as
    /// located by `QUICLongHeader.parse`) and hands the packet number and plaintext to `body`.
    /// `largestPacketNumber` is the largest number already opened in this connection's Initial
    /// space (`-1` for none). `headerScratch` (the unprotected header, which is the AAD) and
    /// `plaintextScratch` are the caller's, reused so that opening allocates nothing once they
    /// have grown to a packet's size.
    public static func open<Result>(
        _ packet: UnsafeRawBufferPointer,
        header: QUICLongHeader,
        keys: QUICInitialKeys,
        largestPacketNumber: Int64,
        headerScratch: inout [UInt8],
        plaintextScratch: inout [UInt8],
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
        guard mask.apply(keys) else { return .failure(.cryptoUnavailable) }

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

        let payloadStart = pnOffset + pnLength
        let ciphertext = UnsafeRawBufferPointer(rebasing: packet[payloadStart..<(packet.count - tagLength)])
        let tag = UnsafeRawBufferPointer(rebasing: packet[(packet.count - tagLength)...])
        if plaintextScratch.count < ciphertext.count {
            plaintextScratch.append(contentsOf: repeatElement(0, count: ciphertext.count - plaintextScratch.count))
        }
        // Nonce = IV XOR the 62-bit packet number, right-aligned (RFC 9001 §5.3).
        var nonce: (UInt64, UInt32) = (0, 0)
        let opened = withUnsafeMutableBytes(of: &nonce) { nonce in
            keys.withIV { nonce.copyMemory(from: $0) }
            for index in 0..<8 {
                nonce[11 - index] ^= UInt8(truncatingIfNeeded: packetNumber >> (8 * index))
            }
            return keys.withKey { key in
                headerScratch.withUnsafeBytes { aad in
                    plaintextScratch.withUnsafeMutableBytes { plaintext in
                        CQUICCrypto_open(
                            key.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            nonce.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            aad.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            aad.count,
                            ciphertext.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            ciphertext.count,
                            tag.baseAddress?.assumingMemoryBound(to: UInt8.self),
                            plaintext.baseAddress?.assumingMemoryBound(to: UInt8.self)
                        )
                    }
                }
            }
        }
        switch opened {
        case 1:
            return .success(
                plaintextScratch.withUnsafeBytes {
                    body(packetNumber, UnsafeRawBufferPointer(rebasing: $0[0..<ciphertext.count]))
                }
            )
        case 0: return .failure(.authenticationFailed)
        default: return .failure(.cryptoUnavailable)
        }
    }
}

/// The 16-byte header-protection block, kept inline (no heap) because it is computed per packet.
struct HeaderProtectionMask {
    private var block: (UInt64, UInt64) = (0, 0)

    init(sample: UnsafeRawBufferPointer) {
        withUnsafeMutableBytes(of: &block) { $0.copyMemory(from: sample) }
    }

    /// Encrypts the sample in place with `keys`' header-protection key; `false` if libcrypto
    /// could not set up the cipher.
    mutating func apply(_ keys: QUICInitialKeys) -> Bool {
        withUnsafeMutableBytes(of: &block) { block in
            let bytes = block.baseAddress!.assumingMemoryBound(to: UInt8.self)
            return keys.withHeaderProtectionKey { key in
                CQUICCrypto_headerMask(key.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes, bytes) == 1
            }
        }
    }

    subscript(index: Int) -> UInt8 {
        withUnsafeBytes(of: block) { $0[index] }
    }
}
