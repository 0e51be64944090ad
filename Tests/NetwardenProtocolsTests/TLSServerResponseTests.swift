import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct TLSServerResponseTests {
    private func serverHello(random: [UInt8], extensions: [UInt8]) -> [UInt8] {
        var body: [UInt8] = [0x03, 0x03] + random + [0x00, 0x13, 0x01, 0x00]
        body.appendUInt16(UInt16(extensions.count))
        body += extensions
        var message: [UInt8] = [0x02, 0x00]
        message.appendUInt16(UInt16(body.count))
        message += body
        var record: [UInt8] = [0x16, 0x03, 0x03]
        record.appendUInt16(UInt16(message.count))
        return record + message
    }

    private let supportedVersions13: [UInt8] = [0x00, 0x2b, 0x00, 0x02, 0x03, 0x04]
    private let retryRandom = TestBytes.hex("cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c")

    private func classify(_ bytes: [UInt8]) -> TLSServerResponse {
        bytes.withUnsafeBytes { TLSServerResponse.classify($0) }
    }

    @Test func serverHelloReportsTheNegotiatedVersion() {
        let bytes = serverHello(random: [UInt8](repeating: 7, count: 32), extensions: supportedVersions13)
        #expect(classify(bytes) == .serverHello(version: 0x0304, cipherSuite: 0x1301))
        // Cut before the extensions: still a ServerHello, details unknown.
        #expect(classify(Array(bytes[0..<50])) == .serverHello(version: nil, cipherSuite: 0x1301))
        #expect(classify(Array(bytes[0..<20])) == .needMore)
    }

    @Test func helloRetryRequestIsRecognisedByItsRandom() {
        let bytes = serverHello(random: retryRandom, extensions: supportedVersions13)
        #expect(classify(bytes) == .helloRetryRequest(cipherSuite: 0x1301))
    }

    @Test func alertsAndOtherBytes() {
        #expect(classify([0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]) == .alert(level: 2, description: 40))
        #expect(classify([0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x70]) == .alert(level: 2, description: 112))
        #expect(classify([0x15, 0x03, 0x03, 0x00, 0x02]) == .needMore)
        #expect(classify(Array("HTTP/1.1 403 Forbidden\r\n".utf8)) == .notTLS)
        #expect(classify([]) == .needMore)
        #expect(classify([0x16, 0x03, 0x03, 0x00, 0x04, 0x01, 0, 0, 0]) == .notTLS)  // a ClientHello
    }

    @Test func everyPrefixAndMutationIsSafe() {
        let bytes = serverHello(random: retryRandom, extensions: supportedVersions13)
        for length in 0...bytes.count { _ = classify(Array(bytes[0..<length])) }
        var generator = SeededGenerator(seed: 3)
        for _ in 0..<3000 {
            var mutated = bytes
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                mutated[Int.random(in: 0..<mutated.count, using: &generator)] = UInt8.random(
                    in: 0...255,
                    using: &generator
                )
            }
            _ = classify(mutated)
        }
    }
}
