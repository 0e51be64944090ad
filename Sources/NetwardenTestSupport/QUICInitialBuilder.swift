import Crypto
import CryptoExtras
import NetwardenProtocols

/// A test-side QUIC Initial *encoder*: seals client Initial packets exactly as RFC 9001 §5 (and
/// RFC 9369 for v2) describes, so tests and capture fixtures can make multi-packet, reordered or
/// coalesced ClientHellos without a QUIC stack. Reproduces the RFC 9001 A.2 packet byte for byte.
public struct QUICInitialBuilder: Sendable {
    public var version: QUICVersion
    /// Destination Connection ID written in the header and used to derive keys.
    public var dcid: [UInt8]
    public var scid: [UInt8]
    public var token: [UInt8]
    /// The DCID the keys are derived from, when not `dcid`: once the server's Initial arrives the
    /// client writes the server's connection ID but keeps the keys of its first DCID (RFC 9001
    /// §5.2); only a Retry changes the keys.
    public var keyDCID: [UInt8]?

    public init(
        version: QUICVersion = .v1,
        dcid: [UInt8],
        scid: [UInt8] = [],
        token: [UInt8] = [],
        keyDCID: [UInt8]? = nil
    ) {
        self.version = version
        self.dcid = dcid
        self.scid = scid
        self.token = token
        self.keyDCID = keyDCID
    }

    /// A CRYPTO frame (type 0x06, offset, length, data) with minimal varints.
    public static func cryptoFrame(offset: Int, data: some Collection<UInt8>) -> [UInt8] {
        var frame: [UInt8] = [0x06]
        frame.appendQUICVarint(UInt64(offset))
        frame.appendQUICVarint(UInt64(data.count))
        frame.append(contentsOf: data)
        return frame
    }

    /// Seals one Initial whose plaintext is `frames` followed by PADDING up to
    /// `minimumPayloadLength` bytes. The Length field is always two bytes, like RFC 9001 A.2.
    ///
    /// `kind: .zeroRTT` writes a 0-RTT packet instead (this version's type bits, no token field).
    /// A real one is sealed with 0-RTT keys no observer has; this one is sealed with the Initial
    /// keys on purpose, so a reader that mistook it for an Initial would open it and show it.
    public func seal(
        frames: [UInt8],
        packetNumber: UInt64,
        packetNumberLength: Int = 4,
        minimumPayloadLength: Int = 0,
        kind: QUICLongHeader.Kind = .initial
    ) -> [UInt8] {
        precondition(kind == .initial || kind == .zeroRTT, "only Initial and 0-RTT packets are built")
        var plaintext = frames
        if plaintext.count < minimumPayloadLength {
            plaintext.append(contentsOf: [UInt8](repeating: 0, count: minimumPayloadLength - plaintext.count))
        }
        let keys = (keyDCID ?? dcid).withUnsafeBytes {
            QUICInitialKeys(version: version, originalDCID: $0, sender: .client)
        }
        let typeBits = version.typeBits(for: kind)
        var header: [UInt8] = [0xc0 | typeBits << 4 | UInt8(packetNumberLength - 1)]
        header.append(contentsOf: [
            UInt8(version.rawValue >> 24), UInt8(truncatingIfNeeded: version.rawValue >> 16),
            UInt8(truncatingIfNeeded: version.rawValue >> 8), UInt8(truncatingIfNeeded: version.rawValue),
        ])
        header.append(UInt8(dcid.count))
        header.append(contentsOf: dcid)
        header.append(UInt8(scid.count))
        header.append(contentsOf: scid)
        if kind == .initial {
            header.appendQUICVarint(UInt64(token.count))
            header.append(contentsOf: token)
        }
        let length = packetNumberLength + plaintext.count + 16
        header.appendUInt16(0x4000 | UInt16(length))
        let packetNumberOffset = header.count
        for index in (0..<packetNumberLength).reversed() {
            header.append(UInt8(truncatingIfNeeded: packetNumber >> (8 * UInt64(index))))
        }

        var nonce = keys.iv
        for index in 0..<8 {
            nonce[11 - index] ^= UInt8(truncatingIfNeeded: packetNumber >> (8 * UInt64(index)))
        }
        // swift-crypto only fails here on malformed keys or nonces, which a builder never makes.
        let sealed = try! AES.GCM.seal(
            plaintext,
            using: SymmetricKey(data: keys.keyBytes),
            nonce: try! AES.GCM.Nonce(data: nonce),
            authenticating: header
        )
        var packet = header
        packet.append(contentsOf: sealed.ciphertext)
        packet.append(contentsOf: sealed.tag)

        var mask = Array(packet[(packetNumberOffset + 4)..<(packetNumberOffset + 20)])
        try! AES.permute(&mask, key: SymmetricKey(data: keys.headerProtectionKeyBytes))
        packet[0] ^= mask[0] & 0x0f
        for index in 0..<packetNumberLength {
            packet[packetNumberOffset + index] ^= mask[1 + index]
        }
        return packet
    }

    /// A ClientHello (bare handshake message) split into CRYPTO frames of at most `chunkSize`
    /// bytes, one per Initial, with packet numbers from `firstPacketNumber`, each padded so the
    /// datagram reaches 1200 bytes as clients must.
    public func packets(carrying handshake: [UInt8], chunkSize: Int, firstPacketNumber: UInt64 = 0) -> [[UInt8]] {
        var result: [[UInt8]] = []
        var offset = 0
        var packetNumber = firstPacketNumber
        while offset < handshake.count {
            let end = min(offset + chunkSize, handshake.count)
            let frame = Self.cryptoFrame(offset: offset, data: handshake[offset..<end])
            let headerEstimate = 1 + 4 + 1 + dcid.count + 1 + scid.count + 1 + token.count + 2 + 4
            result.append(
                seal(
                    frames: frame,
                    packetNumber: packetNumber,
                    minimumPayloadLength: max(0, 1200 - headerEstimate - 16)
                )
            )
            offset = end
            packetNumber += 1
        }
        return result
    }
}

extension Array where Element == UInt8 {
    /// Appends a QUIC variable-length integer in its shortest form.
    public mutating func appendQUICVarint(_ value: UInt64) {
        switch value {
        case 0..<64:
            append(UInt8(value))
        case 64..<16_384:
            appendUInt16(0x4000 | UInt16(value))
        case 16_384..<(1 << 30):
            append(contentsOf: [
                0x80 | UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16),
                UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
            ])
        default:
            append(0xc0 | UInt8(truncatingIfNeeded: value >> 56))
            for shift in stride(from: 48, through: 0, by: -8) {
                append(UInt8(truncatingIfNeeded: value >> UInt64(shift)))
            }
        }
    }
}
