/// How a server's first bytes on a TLS connection answered the client, used to judge whether a
/// filtered site really answered (a ServerHello) or was refused (an alert) or intercepted by
/// something that does not speak TLS at all (a block page over plain HTTP, a proxy banner).
public enum TLSServerResponse: Sendable, Equatable {
    /// A ServerHello. `version` is the negotiated version (from `supported_versions` when present,
    /// else `legacy_version`) and `cipherSuite` the chosen suite; both are `nil` when the hello
    /// was cut off before them (the type alone already proves the server answered).
    case serverHello(version: UInt16?, cipherSuite: UInt16?)
    /// A HelloRetryRequest: a ServerHello whose random is the RFC 8446 magic value. The server
    /// is alive but wants another key share.
    case helloRetryRequest(cipherSuite: UInt16?)
    /// A TLS alert record (for example handshake_failure 40, unrecognized_name 112).
    case alert(level: UInt8, description: UInt8)
    /// Too few bytes to tell yet.
    case needMore
    /// Not a TLS server response.
    case notTLS

    /// SHA-256("HelloRetryRequest"), the fixed `random` of a HelloRetryRequest (RFC 8446 §4.1.3).
    static let helloRetryRandom: [UInt8] = [
        0xcf, 0x21, 0xad, 0x74, 0xe5, 0x9a, 0x61, 0x11, 0xbe, 0x1d, 0x8c, 0x02, 0x1e, 0x65, 0xb8, 0x91,
        0xc2, 0xa2, 0x11, 0x16, 0x7a, 0xbb, 0x8c, 0x5e, 0x07, 0x9e, 0x09, 0xe2, 0xc8, 0xa8, 0x33, 0x9c,
    ]

    /// Classifies the first bytes the server sent. Only the first record is examined.
    public static func classify(_ bytes: UnsafeRawBufferPointer) -> TLSServerResponse {
        var reader = ByteReader(bytes)
        guard let contentType = reader.readUInt8() else { return .needMore }
        guard contentType == TLSRecordLayer.handshakeContentType || contentType == TLSRecordLayer.alertContentType
        else { return .notTLS }
        guard let major = reader.readUInt8() else { return .needMore }
        guard major == 3 else { return .notTLS }
        guard let minor = reader.readUInt8() else { return .needMore }
        guard minor <= 4 else { return .notTLS }
        guard let length = reader.readUInt16() else { return .needMore }
        guard length > 0, Int(length) <= TLSRecordLayer.maxRecordLength else { return .notTLS }
        // Parse within the record only; a short capture just ends the sub-reader early.
        let recordComplete = reader.remaining >= Int(length)
        guard var record = reader.readSubReader(min(Int(length), reader.remaining)) else { return .needMore }

        if contentType == TLSRecordLayer.alertContentType {
            guard length == 2 else { return .notTLS }
            guard let level = record.readUInt8(), let description = record.readUInt8() else { return .needMore }
            guard level == 1 || level == 2 else { return .notTLS }
            return .alert(level: level, description: description)
        }

        guard let handshakeType = record.readUInt8() else { return .needMore }
        guard handshakeType == 2 else { return .notTLS }
        guard record.skip(3), let legacyVersion = record.readUInt16(), let random = record.readSlice(32) else {
            return .needMore
        }
        let isRetry = random.elementsEqual(helloRetryRandom)
        var cipherSuite: UInt16? = nil
        var version: UInt16? = nil
        if let sessionIDLength = record.readUInt8(), sessionIDLength <= 32, record.skip(Int(sessionIDLength)),
            let suite = record.readUInt16(), record.skip(1)
        {
            cipherSuite = suite
            if let extensionsLength = record.readUInt16(), var extensions = record.readSubReader(Int(extensionsLength))
            {
                // TLS 1.3 hides behind legacy_version 0x0303; only supported_versions tells the truth.
                version = legacyVersion
                while let type = extensions.readUInt16(), let extLength = extensions.readUInt16(),
                    var data = extensions.readSubReader(Int(extLength))
                {
                    if type == 0x002b, let selected = data.readUInt16() { version = selected }
                }
            } else if record.isAtEnd && recordComplete {
                // A TLS 1.2-or-older hello without extensions: legacy_version is the version.
                version = legacyVersion
            }
        }
        if isRetry { return .helloRetryRequest(cipherSuite: cipherSuite) }
        return .serverHello(version: version, cipherSuite: cipherSuite)
    }
}
