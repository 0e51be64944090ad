/// What a TLS ClientHello reveals about where a client is going: the names and versions the filter
/// compliance check needs, nothing else (no random, no key shares, no session data).
///
/// Produced once per flow, so the name and ALPN strings are the flow's only allocations; the parse
/// itself reads through `ByteReader` without copying.
public struct TLSClientHello: Sendable, Equatable {
    /// `legacy_version` from the hello body (0x0303 for every TLS 1.3 client).
    public var legacyVersion: UInt16
    /// `supported_versions` in the client's order, GREASE values removed; empty when absent.
    public var supportedVersions: [UInt16]
    /// The first `host_name` entry of `server_name`, lowercase, no trailing dot; `nil` when the
    /// client sent none or it was not a hostname (see `serverNameRejected`).
    public var serverName: String?
    /// A `server_name` entry was present but failed hostname validation (worth a counter: it is
    /// either a broken client or someone probing the filter).
    public var serverNameRejected: Bool
    /// ALPN protocol names in the client's order (at most `maxALPNEntries`).
    public var alpn: [String]
    /// The `encrypted_client_hello` extension (0xfe0d) is present. The real destination is then
    /// inside the encrypted inner hello and `serverName` is only the *outer* (public) name.
    public var echPresent: Bool
    /// Number of extensions in the hello (GREASE included).
    public var extensionCount: Int
    /// Number of cipher suites offered (GREASE included).
    public var cipherSuiteCount: Int

    /// The SNI when ECH hides the real one: the client-facing server a censor or filter sees.
    public var outerSNI: String? { echPresent ? serverName : nil }

    /// The highest non-GREASE version offered, from `supported_versions` when present.
    public var highestVersion: UInt16 { supportedVersions.max() ?? legacyVersion }

    /// Work bound: a hello with more extensions than this is refused as malformed. Browsers send
    /// about 20; the bound only stops adversarial inputs from making us loop thousands of times.
    public static let maxExtensions = 128
    /// ALPN entries kept (browsers offer two or three).
    public static let maxALPNEntries = 8
    /// TLS caps one handshake message at 2^24 bytes; we refuse anything bigger than this, because
    /// a ClientHello above it is not one we can or need to reassemble.
    public static let maxHandshakeLength = 64 * 1024

    /// The handshake message type of a ClientHello.
    static let handshakeType: UInt8 = 1
}

/// Outcome of parsing a ClientHello.
public enum TLSClientHelloParseResult: Sendable, Equatable {
    /// A whole, well-formed ClientHello.
    case clientHello(TLSClientHello)
    /// The input is a valid prefix; more bytes are needed.
    case needMore
    /// The bytes are not a ClientHello (another protocol, or another handshake message).
    case notClientHello
    /// Lengths or fields are inconsistent: a broken or hostile client.
    case malformed
}

extension TLSClientHello {
    /// Parses a bare handshake message (type, 24-bit length, body), as carried in QUIC CRYPTO
    /// frames or after the TLS record layer has been removed.
    public static func parse(handshake bytes: UnsafeRawBufferPointer) -> TLSClientHelloParseResult {
        var reader = ByteReader(bytes)
        guard let type = reader.readUInt8() else { return .needMore }
        guard type == handshakeType else { return .notClientHello }
        guard let length = reader.readUInt24() else { return .needMore }
        guard length <= maxHandshakeLength else { return .malformed }
        guard var body = reader.readSubReader(Int(length)) else { return .needMore }
        guard let hello = parseBody(&body) else { return .malformed }
        return .clientHello(hello)
    }

    /// Parses a ClientHello at the start of a client's TLS byte stream (record layer included).
    ///
    /// When the message sits in one record this is zero-copy. When it spans records the record
    /// payloads are gathered into `scratch`, which must hold at least the handshake message;
    /// `scratch` may be the very memory `records` points into (the gather only moves bytes to lower
    /// addresses), which is how `TLSStreamReassembler` avoids a second buffer.
    public static func parse(
        records: UnsafeRawBufferPointer,
        scratch: UnsafeMutableRawBufferPointer
    ) -> TLSClientHelloParseResult {
        switch TLSRecordLayer.scanHandshake(records, expectedType: handshakeType) {
        case .notTLS: return .notClientHello
        case .malformed: return .malformed
        case .needMore: return .needMore
        case .complete(let messageLength, let singleRecord):
            if singleRecord {
                let message = UnsafeRawBufferPointer(
                    rebasing: records[TLSRecordLayer.headerLength..<TLSRecordLayer.headerLength + messageLength]
                )
                return parse(handshake: message)
            }
            guard scratch.count >= messageLength, let destination = scratch.baseAddress else { return .malformed }
            TLSRecordLayer.gatherHandshake(from: records, into: destination, length: messageLength)
            return parse(handshake: UnsafeRawBufferPointer(rebasing: scratch[0..<messageLength]))
        }
    }

    /// The ClientHello body (RFC 8446 §4.1.2); `nil` when any length is inconsistent.
    private static func parseBody(_ body: inout ByteReader) -> TLSClientHello? {
        guard let legacyVersion = body.readUInt16(),
            body.skip(32),  // random
            let sessionIDLength = body.readUInt8(), sessionIDLength <= 32, body.skip(Int(sessionIDLength)),
            let suitesLength = body.readUInt16(), suitesLength >= 2, suitesLength % 2 == 0,
            body.skip(Int(suitesLength)),
            let compressionLength = body.readUInt8(), compressionLength >= 1, body.skip(Int(compressionLength))
        else { return nil }

        var hello = TLSClientHello(
            legacyVersion: legacyVersion,
            supportedVersions: [],
            serverName: nil,
            serverNameRejected: false,
            alpn: [],
            echPresent: false,
            extensionCount: 0,
            cipherSuiteCount: Int(suitesLength) / 2
        )

        // Pre-TLS 1.2 clients may omit the extensions block entirely.
        if body.isAtEnd { return hello }
        guard let extensionsLength = body.readUInt16(), var extensions = body.readSubReader(Int(extensionsLength))
        else { return nil }

        var sawServerName = false
        while !extensions.isAtEnd {
            guard let type = extensions.readUInt16(), let length = extensions.readUInt16(),
                var data = extensions.readSubReader(Int(length))
            else { return nil }
            hello.extensionCount += 1
            guard hello.extensionCount <= maxExtensions else { return nil }
            switch type {
            case 0x0000 where !sawServerName:
                // Duplicate extensions are illegal; keep the first, as servers do.
                sawServerName = true
                guard parseServerName(&data, into: &hello) else { return nil }
            case 0x0010:
                guard parseALPN(&data, into: &hello) else { return nil }
            case 0x002b:
                guard parseSupportedVersions(&data, into: &hello) else { return nil }
            case 0xfe0d:
                hello.echPresent = true
            default:
                break
            }
        }
        return hello
    }

    private static func parseServerName(_ data: inout ByteReader, into hello: inout TLSClientHello) -> Bool {
        guard let listLength = data.readUInt16(), var list = data.readSubReader(Int(listLength)) else { return false }
        while !list.isAtEnd {
            guard let nameType = list.readUInt8(), let nameLength = list.readUInt16(),
                let name = list.readSlice(Int(nameLength))
            else { return false }
            // Only host_name (0) is defined; any other type is skipped as RFC 6066 asks.
            guard nameType == 0, hello.serverName == nil, !hello.serverNameRejected else { continue }
            if let normalized = TLSHostName.normalized(name) {
                hello.serverName = normalized
            } else {
                hello.serverNameRejected = true
            }
        }
        return true
    }

    private static func parseALPN(_ data: inout ByteReader, into hello: inout TLSClientHello) -> Bool {
        guard let listLength = data.readUInt16(), var list = data.readSubReader(Int(listLength)) else { return false }
        while !list.isAtEnd {
            guard let length = list.readUInt8(), length > 0, let name = list.readSlice(Int(length)) else {
                return false
            }
            if hello.alpn.count < maxALPNEntries {
                hello.alpn.append(String(decoding: name, as: UTF8.self))
            }
        }
        return true
    }

    private static func parseSupportedVersions(_ data: inout ByteReader, into hello: inout TLSClientHello) -> Bool {
        guard let listLength = data.readUInt8(), listLength % 2 == 0, var list = data.readSubReader(Int(listLength))
        else { return false }
        while let version = list.readUInt16() {
            if !isGREASE(version) { hello.supportedVersions.append(version) }
        }
        return true
    }

    /// RFC 8701 GREASE values (0x0a0a, 0x1a1a, ... 0xfafa): clients sprinkle them to keep servers
    /// tolerant; they carry no meaning, so they are dropped from reported lists.
    static func isGREASE(_ value: UInt16) -> Bool {
        value & 0x0f0f == 0x0a0a && value >> 8 == value & 0xff
    }
}
