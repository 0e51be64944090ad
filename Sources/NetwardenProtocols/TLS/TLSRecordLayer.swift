/// Walks TLS records (RFC 8446 §5.1) at the start of a byte stream to find where the first
/// handshake message ends, without copying.
///
/// A ClientHello may be fragmented over several records (rare, but legal and used by some evasion
/// tools) and records over several TCP segments (common: post-quantum key shares make Chrome's
/// hello about 1.8 KB). Scanning only reads record headers plus the 4-byte handshake header, so
/// re-running it after every new segment stays cheap.
public enum TLSRecordLayer {
    /// Record header: content type, legacy version, 16-bit length.
    public static let headerLength = 5
    /// Records may carry at most 2^14 plaintext bytes; a little slack for lenient senders.
    static let maxRecordLength = 16_384 + 256
    static let handshakeContentType: UInt8 = 22
    static let alertContentType: UInt8 = 21

    /// Where the first handshake message of a stream stands.
    public enum Scan: Sendable, Equatable {
        /// The first bytes cannot start a TLS handshake of the expected type.
        case notTLS
        /// Record framing is broken after a valid start.
        case malformed
        /// A valid prefix; more bytes are needed.
        case needMore
        /// The whole message (`messageLength` bytes including its 4-byte header) is present;
        /// `singleRecord` says it lies contiguously in the first record.
        case complete(messageLength: Int, singleRecord: Bool)
    }

    /// True when `bytes` starts like a TLS handshake record (a cheap test the capture path uses
    /// before giving a flow a reassembly slot).
    public static func looksLikeHandshakeStart(_ bytes: UnsafeRawBufferPointer) -> Bool {
        !bytes.isEmpty && scanHandshake(bytes, expectedType: TLSClientHello.handshakeType) != .notTLS
    }

    /// Finds the end of the first handshake message in `stream`, which must be of `expectedType`.
    public static func scanHandshake(_ stream: UnsafeRawBufferPointer, expectedType: UInt8) -> Scan {
        var reader = ByteReader(stream)
        var header: UInt32 = 0
        var headerBytes = 0
        var messageLength: Int? = nil
        var gathered = 0
        var recordIndex = 0
        while true {
            guard let contentType = reader.readUInt8() else { return .needMore }
            guard contentType == handshakeContentType else { return recordIndex == 0 ? .notTLS : .malformed }
            guard let major = reader.readUInt8() else { return .needMore }
            guard major == 3 else { return recordIndex == 0 ? .notTLS : .malformed }
            guard let minor = reader.readUInt8() else { return .needMore }
            guard minor <= 4 else { return recordIndex == 0 ? .notTLS : .malformed }
            guard let length = reader.readUInt16() else { return .needMore }
            // Empty handshake records are forbidden, so a zero length is not TLS at all.
            guard length > 0, Int(length) <= maxRecordLength else { return recordIndex == 0 ? .notTLS : .malformed }
            let available = min(Int(length), reader.remaining)
            guard let payload = reader.readSlice(available) else { return .needMore }
            var index = 0
            while headerBytes < 4 && index < payload.count {
                header = header << 8 | UInt32(payload[index])
                headerBytes += 1
                index += 1
                if headerBytes == 1 && UInt8(truncatingIfNeeded: header) != expectedType {
                    return recordIndex == 0 ? .notTLS : .malformed
                }
            }
            if headerBytes == 4 && messageLength == nil {
                messageLength = 4 + Int(header & 0x00ff_ffff)
            }
            gathered += available
            if let messageLength, gathered >= messageLength {
                return .complete(messageLength: messageLength, singleRecord: recordIndex == 0)
            }
            if available < Int(length) { return .needMore }
            recordIndex += 1
        }
    }

    /// Copies the first `length` handshake bytes out of the records in `stream` to `destination`.
    /// Bytes only ever move to lower addresses (each record header is dropped), so `destination`
    /// may be `stream`'s own base address; that is why this copies forwards byte by byte rather
    /// than with a call whose overlap rules we would have to trust. Runs once per flow.
    static func gatherHandshake(
        from stream: UnsafeRawBufferPointer,
        into destination: UnsafeMutableRawPointer,
        length: Int
    ) {
        var reader = ByteReader(stream)
        var written = 0
        while written < length {
            guard reader.skip(3), let recordLength = reader.readUInt16() else { return }
            let take = min(Int(recordLength), length - written, reader.remaining)
            guard take > 0, let payload = reader.readSlice(take) else { return }
            for index in 0..<take {
                destination.storeBytes(of: payload[index], toByteOffset: written + index, as: UInt8.self)
            }
            written += take
        }
    }
}
