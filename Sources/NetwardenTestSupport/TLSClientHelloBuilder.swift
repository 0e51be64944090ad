/// Builds ClientHello bytes for tests: a bare handshake message (as QUIC carries it) or TLS records
/// (as TCP carries it), with the knobs capture tests need (SNI, ALPN, ECH, versions, key-share size).
///
/// The defaults resemble a current browser closely enough for parsers: GREASE values, TLS 1.3 in
/// `supported_versions`, and optionally a post-quantum key share so the hello spans several
/// segments like Chrome's does.
public struct TLSClientHelloBuilder: Sendable {
    public var legacyVersion: UInt16 = 0x0303
    /// Raw SNI bytes to send (not validated, so tests can send bad names); `nil` omits the extension.
    public var serverName: [UInt8]?
    public var alpn: [String] = []
    public var supportedVersions: [UInt16] = [0x0304, 0x0303]
    /// Adds an `encrypted_client_hello` (0xfe0d) outer extension with a dummy payload.
    public var includeECH = false
    /// Adds GREASE cipher suite, extension and version, as Chrome does.
    public var includeGREASE = true
    /// Bytes of key-share data; 1216 mimics X25519MLKEM768 and makes the hello ~1.5 KB.
    public var keyShareLength = 32
    /// Additional raw extensions appended at the end.
    public var extraExtensions: [(type: UInt16, data: [UInt8])] = []

    public init(serverName: String? = nil, alpn: [String] = []) {
        self.serverName = serverName.map { Array($0.utf8) }
        self.alpn = alpn
    }

    /// The handshake message: type 1, 24-bit length, body.
    public func handshakeMessage() -> [UInt8] {
        var body: [UInt8] = []
        body.appendUInt16(legacyVersion)
        body.append(contentsOf: (0..<32).map { UInt8($0) })  // random
        body.append(32)
        body.append(contentsOf: (0..<32).map { UInt8(0xa0 &+ $0) })  // legacy_session_id
        var suites: [UInt16] = [0x1301, 0x1302, 0x1303, 0xc02b]
        if includeGREASE { suites.insert(0x2a2a, at: 0) }
        body.appendUInt16(UInt16(suites.count * 2))
        for suite in suites { body.appendUInt16(suite) }
        body.append(contentsOf: [1, 0])  // compression: null only

        var extensions: [UInt8] = []
        func add(_ type: UInt16, _ data: [UInt8]) {
            extensions.appendUInt16(type)
            extensions.appendUInt16(UInt16(data.count))
            extensions.append(contentsOf: data)
        }
        if includeGREASE { add(0x0a0a, []) }
        if let serverName {
            var list: [UInt8] = [0]
            list.appendUInt16(UInt16(serverName.count))
            list.append(contentsOf: serverName)
            var data: [UInt8] = []
            data.appendUInt16(UInt16(list.count))
            data.append(contentsOf: list)
            add(0x0000, data)
        }
        add(0x0017, [])  // extended_master_secret
        if !alpn.isEmpty {
            var list: [UInt8] = []
            for name in alpn {
                list.append(UInt8(name.utf8.count))
                list.append(contentsOf: name.utf8)
            }
            var data: [UInt8] = []
            data.appendUInt16(UInt16(list.count))
            data.append(contentsOf: list)
            add(0x0010, data)
        }
        var versions: [UInt16] = supportedVersions
        if includeGREASE { versions.insert(0x6a6a, at: 0) }
        var versionData: [UInt8] = [UInt8(versions.count * 2)]
        for version in versions { versionData.appendUInt16(version) }
        add(0x002b, versionData)
        var share: [UInt8] = []
        share.appendUInt16(keyShareLength > 32 ? 0x11ec : 0x001d)
        share.appendUInt16(UInt16(keyShareLength))
        share.append(contentsOf: (0..<keyShareLength).map { UInt8(truncatingIfNeeded: $0 &* 7) })
        var shareList: [UInt8] = []
        shareList.appendUInt16(UInt16(share.count))
        shareList.append(contentsOf: share)
        add(0x0033, shareList)
        if includeECH {
            // Outer ECH: type 0, cipher suite, config id, enc, payload (contents irrelevant to us).
            var ech: [UInt8] = [0, 0x00, 0x01, 0x00, 0x01, 0x42]
            ech.appendUInt16(32)
            ech.append(contentsOf: [UInt8](repeating: 0x11, count: 32))
            ech.appendUInt16(144)
            ech.append(contentsOf: [UInt8](repeating: 0x22, count: 144))
            add(0xfe0d, ech)
        }
        for (type, data) in extraExtensions { add(type, data) }

        body.appendUInt16(UInt16(extensions.count))
        body.append(contentsOf: extensions)
        var message: [UInt8] = [1]
        message.append(UInt8(truncatingIfNeeded: body.count >> 16))
        message.appendUInt16(UInt16(truncatingIfNeeded: body.count))
        message.append(contentsOf: body)
        return message
    }

    /// The hello wrapped in TLS handshake records of at most `maxRecordPayload` bytes each.
    public func records(maxRecordPayload: Int = 16_384) -> [UInt8] {
        TLSClientHelloBuilder.records(wrapping: handshakeMessage(), maxRecordPayload: maxRecordPayload)
    }

    /// Wraps handshake bytes in handshake records (record version 0x0301, as browsers send).
    public static func records(wrapping message: [UInt8], maxRecordPayload: Int = 16_384) -> [UInt8] {
        var out: [UInt8] = []
        var start = 0
        while start < message.count {
            let end = min(start + maxRecordPayload, message.count)
            out.append(contentsOf: [22, 3, 1])
            out.appendUInt16(UInt16(end - start))
            out.append(contentsOf: message[start..<end])
            start = end
        }
        return out
    }
}

extension Array where Element == UInt8 {
    /// Appends a big-endian 16-bit value (test builders write many length prefixes).
    public mutating func appendUInt16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(truncatingIfNeeded: value))
    }
}
