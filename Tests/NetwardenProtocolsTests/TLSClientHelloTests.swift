import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct TLSClientHelloTests {
    private func parse(handshake bytes: [UInt8]) -> TLSClientHelloParseResult {
        bytes.withUnsafeBytes { TLSClientHello.parse(handshake: $0) }
    }

    private func parse(records bytes: [UInt8]) -> TLSClientHelloParseResult {
        var copy = bytes
        return copy.withUnsafeMutableBytes { raw in
            TLSClientHello.parse(records: UnsafeRawBufferPointer(raw), scratch: raw)
        }
    }

    private func hello(_ result: TLSClientHelloParseResult) -> TLSClientHello? {
        if case .clientHello(let hello) = result { return hello }
        Issue.record("expected a ClientHello, got \(result)")
        return nil
    }

    @Test func readsNameVersionsAndALPN() {
        let builder = TLSClientHelloBuilder(serverName: "Www.Example.COM", alpn: ["h2", "http/1.1"])
        let parsed = hello(parse(records: builder.records()))
        #expect(parsed?.serverName == "www.example.com")
        #expect(parsed?.alpn == ["h2", "http/1.1"])
        #expect(parsed?.legacyVersion == 0x0303)
        #expect(parsed?.supportedVersions == [0x0304, 0x0303])  // GREASE 0x6a6a dropped
        #expect(parsed?.highestVersion == 0x0304)
        #expect(parsed?.echPresent == false)
        #expect(parsed?.outerSNI == nil)
        #expect(parsed?.cipherSuiteCount == 5)
        #expect(parsed?.extensionCount == 6)
    }

    @Test func echMeansTheVisibleNameIsOnlyTheOuterOne() {
        var builder = TLSClientHelloBuilder(serverName: "cloudflare-ech.com", alpn: ["h2"])
        builder.includeECH = true
        let parsed = hello(parse(handshake: builder.handshakeMessage()))
        #expect(parsed?.echPresent == true)
        #expect(parsed?.outerSNI == "cloudflare-ech.com")
        #expect(parsed?.serverName == "cloudflare-ech.com")
    }

    @Test func trailingDotIsDroppedAndBadNamesAreRejected() {
        #expect(
            hello(parse(handshake: TLSClientHelloBuilder(serverName: "example.org.").handshakeMessage()))?.serverName
                == "example.org"
        )
        for bad in [
            "", ".", "a..b", "exa mple.com", "bad\u{0}name", "caf\u{e9}.fr", String(repeating: "a", count: 64) + ".com",
            String(repeating: "abcdefgh.", count: 29) + "com",
        ] {
            let parsed = hello(parse(handshake: TLSClientHelloBuilder(serverName: bad).handshakeMessage()))
            #expect(parsed?.serverName == nil, "\(bad)")
            #expect(parsed?.serverNameRejected == true, "\(bad)")
        }
        let none = hello(parse(handshake: TLSClientHelloBuilder().handshakeMessage()))
        #expect(none?.serverName == nil)
        #expect(none?.serverNameRejected == false)
    }

    @Test func helloSpanningSeveralRecordsIsGathered() {
        var builder = TLSClientHelloBuilder(serverName: "fragmented.example", alpn: ["h2"])
        builder.keyShareLength = 1216
        for size in [1, 7, 100, 512, 16_384] {
            #expect(hello(parse(records: builder.records(maxRecordPayload: size)))?.serverName == "fragmented.example")
        }
    }

    @Test func otherProtocolsAreNotClientHellos() {
        #expect(parse(records: Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8)) == .notClientHello)
        #expect(parse(records: [0x16, 0x03, 0x01, 0x00, 0x04, 0x02, 0, 0, 0]) == .notClientHello)  // ServerHello
        #expect(parse(records: [0x17, 0x03, 0x03, 0x00, 0x10]) == .notClientHello)
        #expect(parse(handshake: [0x02, 0, 0, 0]) == .notClientHello)
        #expect(parse(records: [0x16, 0x03]) == .needMore)

        // The capture path's cheap "worth a reassembly slot?" test.
        let start = Array(TLSClientHelloBuilder(serverName: "a.example").records()[0..<9])
        #expect(start.withUnsafeBytes { TLSRecordLayer.looksLikeHandshakeStart($0) })
        #expect(!Array("GET /".utf8).withUnsafeBytes { TLSRecordLayer.looksLikeHandshakeStart($0) })
        #expect(![UInt8]().withUnsafeBytes { TLSRecordLayer.looksLikeHandshakeStart($0) })
    }

    @Test func everyPrefixIsNeedMoreNeverACrash() {
        var builder = TLSClientHelloBuilder(serverName: "prefix.example", alpn: ["h2"])
        builder.includeECH = true
        let records = builder.records(maxRecordPayload: 300)
        for length in 0..<records.count {
            #expect(parse(records: Array(records[0..<length])) == .needMore, "prefix \(length)")
        }
        let message = builder.handshakeMessage()
        for length in 0..<message.count {
            #expect(parse(handshake: Array(message[0..<length])) == .needMore, "prefix \(length)")
        }
    }

    @Test func randomMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 42)
        var builder = TLSClientHelloBuilder(serverName: "mutant.example", alpn: ["h2", "http/1.1"])
        builder.includeECH = true
        let sources = [builder.handshakeMessage(), builder.records(), builder.records(maxRecordPayload: 200)]
        var outcomes: [String: Int] = [:]
        for _ in 0..<5000 {
            var bytes = sources.randomElement(using: &generator)!
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            if Bool.random(using: &generator) {
                bytes.removeLast(Int.random(in: 0..<bytes.count, using: &generator))
            }
            let result = bytes[0] == 0x16 ? parse(records: bytes) : parse(handshake: bytes)
            let key: String
            switch result {
            case .clientHello: key = "hello"
            case .needMore: key = "needMore"
            case .notClientHello: key = "not"
            case .malformed: key = "malformed"
            }
            outcomes[key, default: 0] += 1
        }
        // The mutations must have reached the deep paths, not just bounced off the first byte.
        #expect(outcomes["hello", default: 0] > 100)
        #expect(outcomes["malformed", default: 0] > 100)
    }

    @Test func rfc9001ClientHelloParses() {
        let parsed = hello(parse(handshake: QUICVectors.clientHello))
        #expect(parsed?.serverName == "example.com")
        #expect(parsed?.cipherSuiteCount == 2)  // TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384
    }
}
