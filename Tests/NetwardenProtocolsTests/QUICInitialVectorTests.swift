import NetwardenProtocols
import NetwardenTestSupport
import Testing

/// RFC 9001 Appendix A and RFC 9369 Appendix A, plus the draft-23 and draft-29 vectors.
@Suite struct QUICInitialVectorTests {
    private func keys(_ version: QUICVersion, _ dcid: [UInt8] = QUICVectors.dcid) -> QUICInitialKeys {
        dcid.withUnsafeBytes { QUICInitialKeys(version: version, originalDCID: $0) }
    }

    private func secret(_ version: QUICVersion) -> [UInt8] {
        QUICVectors.dcid.withUnsafeBytes {
            QUICInitialKeys.trafficSecretBytes(version: version, originalDCID: $0, sender: .client)
        }
    }

    @Test func rfc9001A1ClientKeys() {
        #expect(secret(.v1) == TestBytes.hex("c00cf151ca5be075ed0ebfb5c80323c42d6b7db67881289af4008f1f6c357aea"))
        let keys = keys(.v1)
        #expect(keys.keyBytes == TestBytes.hex("1f369613dd76d5467730efcbe3b1a22d"))
        #expect(keys.iv == TestBytes.hex("fa044b2f42a3fd3b46fb255c"))
        #expect(keys.headerProtectionKeyBytes == TestBytes.hex("9f50449e04a0e810283a1e9933adedd2"))
    }

    @Test func rfc9001A1ServerKeys() {
        let server = QUICVectors.dcid.withUnsafeBytes {
            QUICInitialKeys(version: .v1, originalDCID: $0, sender: .server)
        }
        #expect(server.keyBytes == TestBytes.hex("cf3a5331653c364c88f0f379b6067e37"))
        #expect(server.iv == TestBytes.hex("0ac1493ca1905853b0bba03e"))
        #expect(server.headerProtectionKeyBytes == TestBytes.hex("c206b8d9b9f0f37644430b490eeaa314"))
    }

    @Test func rfc9369A1ClientKeys() {
        #expect(secret(.v2) == TestBytes.hex("14ec9d6eb9fd7af83bf5a668bc17a7e283766aade7ecd0891f70f9ff7f4bf47b"))
        let keys = keys(.v2)
        #expect(keys.keyBytes == TestBytes.hex("8b1a0bc121284290a29e0971b5cd045d"))
        #expect(keys.iv == TestBytes.hex("91f73e2351d8fa91660e909f"))
        #expect(keys.headerProtectionKeyBytes == TestBytes.hex("45b95e15235d6f45a6b19cbcb0294ba9"))
    }

    @Test func draft29SaltDerivesTheDraftKeys() {
        #expect(QUICVersion.known(0xff00_001d) == .draft29)
        #expect(secret(.draft29) == TestBytes.hex("0088119288f1d866733ceeed15ff9d50902cf82952eee27e9d4d4918ea371d87"))
        let keys = keys(.draft29)
        #expect(keys.keyBytes == TestBytes.hex("175257a31eb09dea9366d8bb79ad80ba"))
        #expect(keys.iv == TestBytes.hex("6b26114b9cba2b63a9e8dd4f"))
        #expect(keys.headerProtectionKeyBytes == TestBytes.hex("9ddd12c994c0698b89374a9c077a3077"))
    }

    /// draft-ietf-quic-tls-23 Appendix A (the same DCID), for drafts 23 to 28.
    @Test(arguments: 23...28)
    func draft23SaltDerivesTheDraftKeys(number: Int) throws {
        let version = try #require(QUICVersion.draft(number))
        #expect(secret(version) == TestBytes.hex("fda3953aecc040e48b34e27ef87de3a6098ecf0e38b7e032c5c57bcbd5975b84"))
        let keys = keys(version)
        #expect(keys.keyBytes == TestBytes.hex("af7fd7efebd21878ff66811248983694"))
        #expect(keys.iv == TestBytes.hex("8681359410a70bb9c92f0420"))
        #expect(keys.headerProtectionKeyBytes == TestBytes.hex("a980b8b4fb7d9fbc13e814c23164253d"))
    }

    /// Drafts 29 to 32 share draft-29's salt; 33 and 34 already used v1's.
    @Test func draftsShareTheirSaltsAsPublished() throws {
        for number in 30...32 {
            #expect(secret(try #require(QUICVersion.draft(number))) == secret(.draft29))
        }
        for number in 33...34 {
            #expect(secret(try #require(QUICVersion.draft(number))) == secret(.v1))
        }
    }

    @Test func rfc9001A2HeaderIsParsed() {
        QUICVectors.v1ClientInitial.withUnsafeBytes { raw in
            let header = QUICLongHeader.parse(raw)
            #expect(header?.kind == .initial)
            #expect(header?.version == 1)
            #expect(header?.dcidRange == 6..<14)
            #expect(header?.scidRange.isEmpty == true)
            #expect(header?.packetNumberOffset == 18)
            #expect(header?.packetLength == 1200)
        }
    }

    @Test(arguments: [(QUICVersion.v1, 0), (QUICVersion.v2, 1)])
    func rfcClientInitialDecryptsToExampleCom(version: QUICVersion, which: Int) {
        let datagram = which == 0 ? QUICVectors.v1ClientInitial : QUICVectors.v2ClientInitial
        var scratch: [UInt8] = []
        var plaintextScratch: [UInt8] = []
        datagram.withUnsafeBytes { raw in
            guard let header = QUICLongHeader.parse(raw) else {
                Issue.record("header did not parse")
                return
            }
            #expect(header.kind == .initial)
            var crypto: [(UInt64, [UInt8])] = []
            let opened = QUICInitialPacket.open(
                raw,
                header: header,
                keys: keys(version),
                largestPacketNumber: -1,
                headerScratch: &scratch,
                plaintextScratch: &plaintextScratch
            ) { packetNumber, plaintext in
                #expect(plaintext.count == 1162)
                let end = QUICCryptoFrames.scan(plaintext) { crypto.append(($0, Array($1))) }
                #expect(end == .endOfPayload)
                return packetNumber
            }
            #expect(opened == .success(2))
            #expect(crypto.count == 1)
            #expect(crypto.first?.0 == 0)
            #expect(crypto.first?.1 == QUICVectors.clientHello)
        }
        let reassembler = QUICInitialReassembler()
        let result = datagram.withUnsafeBytes { reassembler.ingest(datagram: $0) }
        guard case .complete(let hello) = result else {
            Issue.record("expected a complete ClientHello, got \(result)")
            return
        }
        #expect(hello.serverName == "example.com")
        #expect(hello.alpn == ["alpn"])  // the RFC sample really offers a protocol named "alpn"
        #expect(hello.supportedVersions == [0x0304])
        #expect(!hello.echPresent)
        #expect(reassembler.version == version)
        #expect(reassembler.originalDCID == QUICVectors.dcid)
    }

    @Test func builderReproducesTheRFCPacketsByteForByte() {
        let frame = QUICInitialBuilder.cryptoFrame(offset: 0, data: QUICVectors.clientHello)
        for (version, expected) in [(QUICVersion.v1, QUICVectors.v1ClientInitial), (.v2, QUICVectors.v2ClientInitial)] {
            let builder = QUICInitialBuilder(version: version, dcid: QUICVectors.dcid)
            let packet = builder.seal(frames: frame, packetNumber: 2, packetNumberLength: 4, minimumPayloadLength: 1162)
            #expect(packet == expected)
        }
    }

    @Test func wrongKeysFailAuthenticationInsteadOfReturningGarbage() {
        var scratch: [UInt8] = []
        var plaintextScratch: [UInt8] = []
        let serverKeys = QUICVectors.dcid.withUnsafeBytes {
            QUICInitialKeys(version: .v1, originalDCID: $0, sender: .server)
        }
        QUICVectors.v1ClientInitial.withUnsafeBytes { raw in
            let header = QUICLongHeader.parse(raw)!
            let opened = QUICInitialPacket.open(
                raw,
                header: header,
                keys: serverKeys,
                largestPacketNumber: -1,
                headerScratch: &scratch,
                plaintextScratch: &plaintextScratch
            ) { number, _ in number }
            #expect(opened == .failure(.authenticationFailed))
        }
    }

    /// One flipped bit anywhere after the packet number (ciphertext or tag) must fail the AEAD
    /// check: the opener never hands out plaintext it did not authenticate.
    @Test func anyFlippedCiphertextOrTagBitFailsAuthentication() {
        var scratch: [UInt8] = []
        var plaintextScratch: [UInt8] = []
        let keys = keys(.v1)
        let original = QUICVectors.v1ClientInitial
        let header = original.withUnsafeBytes { QUICLongHeader.parse($0)! }
        // The header-protection sample starts 4 bytes after the packet number and covers the
        // start of the ciphertext; skip it so the packet number still decodes as sent.
        let payloadStart = header.packetNumberOffset + 4 + 16
        var positions = Array(stride(from: payloadStart, to: original.count - 16, by: 61))
        positions += Array((original.count - 16)..<original.count)
        for position in positions {
            var packet = original
            packet[position] ^= 0x10
            let opened = packet.withUnsafeBytes { raw in
                QUICInitialPacket.open(
                    raw,
                    header: header,
                    keys: keys,
                    largestPacketNumber: -1,
                    headerScratch: &scratch,
                    plaintextScratch: &plaintextScratch
                ) { number, _ in number }
            }
            #expect(opened == .failure(.authenticationFailed), "byte \(position)")
        }
    }

    /// Capture workers open Initials on threads of their own; each thread's cipher state is its
    /// own, so v1 and v2 packets opened side by side all decrypt to the RFC ClientHello.
    @Test func openingOnSeveralThreadsAtOnceGivesEveryThreadTheRightPlaintext() async {
        let cases = [(QUICVersion.v1, QUICVectors.v1ClientInitial), (.v2, QUICVectors.v2ClientInitial)]
        let opened = await withTaskGroup(of: Int.self) { group in
            for task in 0..<8 {
                let (version, datagram) = cases[task % 2]
                group.addTask {
                    var scratch: [UInt8] = []
                    var plaintextScratch: [UInt8] = []
                    let keys = QUICVectors.dcid.withUnsafeBytes { QUICInitialKeys(version: version, originalDCID: $0) }
                    var good = 0
                    for _ in 0..<500 {
                        datagram.withUnsafeBytes { raw in
                            let header = QUICLongHeader.parse(raw)!
                            let result = QUICInitialPacket.open(
                                raw,
                                header: header,
                                keys: keys,
                                largestPacketNumber: -1,
                                headerScratch: &scratch,
                                plaintextScratch: &plaintextScratch
                            ) { _, plaintext in
                                var hello: [UInt8] = []
                                _ = QUICCryptoFrames.scan(plaintext) { _, data in hello = Array(data) }
                                return hello
                            }
                            if result == .success(QUICVectors.clientHello) { good += 1 }
                        }
                    }
                    return good
                }
            }
            return await group.reduce(0, +)
        }
        #expect(opened == 8 * 500)
    }

    @Test func packetNumbersAreReconstructedNearTheExpectedValue() {
        // RFC 9000 A.3 example: largest 0xa82f30ea, 2-byte truncated 0x9b32 -> 0xa82f9b32.
        #expect(QUICPacketNumber.decode(truncated: 0x9b32, length: 2, largest: 0xa82f_30ea) == 0xa82f_9b32)
        #expect(QUICPacketNumber.decode(truncated: 2, length: 4, largest: -1) == 2)
        #expect(QUICPacketNumber.decode(truncated: 0x01, length: 1, largest: 0xff) == 0x101)
    }
}
