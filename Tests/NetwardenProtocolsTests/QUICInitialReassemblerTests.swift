import NetwardenProtocols
import NetwardenTestSupport
import Testing

@Suite struct QUICInitialReassemblerTests {
    private let dcid: [UInt8] = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99]

    /// A Chrome-sized hello (post-quantum key share) that needs several Initials.
    private func bigHello(_ name: String = "classroom.example.org") -> [UInt8] {
        var builder = TLSClientHelloBuilder(serverName: name, alpn: ["h3"])
        builder.keyShareLength = 1216
        builder.extraExtensions = [(0x0039, [UInt8](repeating: 0x05, count: 60))]  // transport params
        return builder.handshakeMessage()
    }

    private func feed(_ reassembler: QUICInitialReassembler, _ datagram: [UInt8]) -> QUICInitialReassembler.Result {
        datagram.withUnsafeBytes { reassembler.ingest(datagram: $0) }
    }

    @Test(arguments: [QUICVersion.v1, .v2, .draft29])
    func helloOverTwoInitialsArrivingSecondFirst(version: QUICVersion) {
        let hello = bigHello()
        let packets = QUICInitialBuilder(version: version, dcid: dcid, scid: [1, 2, 3, 4])
            .packets(carrying: hello, chunkSize: 1000)
        #expect(packets.count == 2)
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, packets[1]) == .needMore)
        let result = feed(reassembler, packets[0])
        guard case .complete(let parsed) = result else {
            Issue.record("expected complete, got \(result)")
            return
        }
        #expect(parsed.serverName == "classroom.example.org")
        #expect(parsed.alpn == ["h3"])
        #expect(reassembler.keyDerivations == 1)  // second packet reused the cached keys
        #expect(reassembler.packetsOpened == 2)
    }

    @Test func threeInitialsInRandomOrderWithDuplicatesAndOverlaps() {
        let hello = bigHello("Video.Example.NET.")
        let builder = QUICInitialBuilder(version: .v1, dcid: dcid)
        var packets = builder.packets(carrying: hello, chunkSize: 600)
        // An overlapping retransmission: bytes 300..<900 again, in a new packet number.
        packets.append(
            builder.seal(
                frames: QUICInitialBuilder.cryptoFrame(offset: 300, data: hello[300..<900]),
                packetNumber: 9,
                minimumPayloadLength: 1100
            )
        )
        var generator = SeededGenerator(seed: 7)
        for round in 0..<20 {
            let order = packets.indices.shuffled(using: &generator)
            let reassembler = QUICInitialReassembler()
            var final: QUICInitialReassembler.Result = .needMore
            for index in order + [order[0]] { final = feed(reassembler, packets[index]) }
            guard case .complete(let parsed) = final else {
                Issue.record("round \(round): \(final)")
                continue
            }
            #expect(parsed.serverName == "video.example.net")
        }
    }

    @Test func coalescedDatagramSkipsTheOtherPacketsByLength() {
        let hello = TLSClientHelloBuilder(serverName: "coalesced.example").handshakeMessage()
        let initial = QUICInitialBuilder(version: .v1, dcid: dcid)
            .seal(frames: QUICInitialBuilder.cryptoFrame(offset: 0, data: hello), packetNumber: 0)
        // A fake 0-RTT packet ahead of it and a Handshake packet after it; neither can be opened,
        // both must be stepped over by their Length.
        func longPacket(typeBits: UInt8, bodyLength: Int) -> [UInt8] {
            var packet: [UInt8] = [0xc0 | typeBits << 4, 0, 0, 0, 1, UInt8(dcid.count)] + dcid + [0]
            packet.appendQUICVarint(UInt64(bodyLength))
            packet += [UInt8](repeating: 0xee, count: bodyLength)
            return packet
        }
        let datagram =
            longPacket(typeBits: 1, bodyLength: 40) + initial + longPacket(typeBits: 2, bodyLength: 50)
            + [UInt8](repeating: 0, count: 30)
        let result = feed(QUICInitialReassembler(), datagram)
        expectHello(named: "coalesced.example", in: result)
    }

    @Test func otherTrafficIsReportedNotDecoded() {
        let reassembler = QUICInitialReassembler()
        #expect(feed(reassembler, [0x40] + [UInt8](repeating: 1, count: 40)) == .notQUIC)
        #expect(feed(reassembler, [0xc0, 0x0a, 0x0a, 0x0a, 0x0a, 0, 0]) == .unsupportedVersion(0x0a0a_0a0a))
        #expect(feed(reassembler, [0x80, 0, 0, 0, 0, 4, 1, 2, 3, 4, 0, 0, 0, 0, 1]) == .unsupportedVersion(0))
        var corrupted = QUICVectors.v1ClientInitial
        corrupted[600] ^= 0x01
        #expect(feed(reassembler, corrupted) == .undecryptable)
        #expect(reassembler.packetsFailed == 1)
        // Still usable: the intact packet completes the hello.
        #expect(feed(reassembler, QUICVectors.v1ClientInitial) != .undecryptable)
    }

    @Test func helloLargerThanCapacityIsRefused() {
        var builder = TLSClientHelloBuilder(serverName: "huge.example")
        builder.extraExtensions = [(0xffce, [UInt8](repeating: 0, count: 3000))]
        let packets = QUICInitialBuilder(version: .v1, dcid: dcid).packets(
            carrying: builder.handshakeMessage(),
            chunkSize: 1000
        )
        let reassembler = QUICInitialReassembler(capacity: 2048)
        #expect(feed(reassembler, packets[0]) == .tooLarge)
        #expect(feed(reassembler, packets[1]) == .tooLarge)  // terminal
    }

    @Test func resetReusesTheReassemblerForANewConnection() {
        let reassembler = QUICInitialReassembler()
        _ = feed(reassembler, QUICVectors.v1ClientInitial)
        reassembler.reset()
        let other = QUICInitialBuilder(version: .v2, dcid: [9, 9, 9, 9])
            .packets(carrying: TLSClientHelloBuilder(serverName: "second.example").handshakeMessage(), chunkSize: 900)
        let result = feed(reassembler, other[0])
        expectHello(named: "second.example", in: result)
        #expect(reassembler.originalDCID == [9, 9, 9, 9])
    }

    @Test func everyTruncationOfTheRFCPacketIsHandled() {
        let packet = QUICVectors.v1ClientInitial
        for length in 0..<packet.count {
            let reassembler = QUICInitialReassembler()
            let result = Array(packet[0..<length]).withUnsafeBytes { reassembler.ingest(datagram: $0) }
            if case .complete = result { Issue.record("prefix \(length) completed") }
        }
    }

    @Test func randomMutationsNeverCrash() {
        var generator = SeededGenerator(seed: 0x5eed)
        let hello = bigHello()
        let packets = QUICInitialBuilder(version: .v1, dcid: dcid).packets(carrying: hello, chunkSize: 700)
        let sources = packets + [QUICVectors.v1ClientInitial, QUICVectors.v2ClientInitial]
        let reassembler = QUICInitialReassembler()
        for _ in 0..<3000 {
            var datagram = sources.randomElement(using: &generator)!
            let mutations = Int.random(in: 1...4, using: &generator)
            for _ in 0..<mutations {
                let index = Int.random(in: 0..<datagram.count, using: &generator)
                // Bias towards the header, where lengths and CID sizes live.
                let target = Bool.random(using: &generator) ? index % 24 : index
                datagram[target] = UInt8.random(in: 0...255, using: &generator)
            }
            if Int.random(in: 0..<4, using: &generator) == 0 {
                datagram.removeLast(Int.random(in: 0..<datagram.count, using: &generator))
            }
            reassembler.reset()
            _ = datagram.withUnsafeBytes { reassembler.ingest(datagram: $0) }
        }
    }

    /// Mutates the *plaintext* and re-seals it, so the frame scanner and ClientHello parser see
    /// hostile bytes that pass authentication (header mutations above mostly stop at the AEAD).
    @Test func authenticatedGarbageNeverCrashes() {
        var generator = SeededGenerator(seed: 0xc0ffee)
        let builder = QUICInitialBuilder(version: .v1, dcid: dcid)
        let hello = bigHello()
        let reassembler = QUICInitialReassembler()
        for _ in 0..<1500 {
            let start = Int.random(in: 0..<hello.count, using: &generator)
            let end = min(hello.count, start + Int.random(in: 1...1200, using: &generator))
            var frames = [UInt8](repeating: 0, count: Int.random(in: 0...3, using: &generator))
            frames += QUICInitialBuilder.cryptoFrame(offset: start, data: hello[start..<end])
            for _ in 0..<Int.random(in: 1...6, using: &generator) {
                frames[Int.random(in: 0..<frames.count, using: &generator)] = UInt8.random(
                    in: 0...255,
                    using: &generator
                )
            }
            if Bool.random(using: &generator) { reassembler.reset() }
            let packet = builder.seal(frames: frames, packetNumber: UInt64.random(in: 0...3, using: &generator))
            _ = packet.withUnsafeBytes { reassembler.ingest(datagram: $0) }
        }
    }

    /// Frames after the CRYPTO data that an Initial may not carry end the scan without an error.
    @Test func unknownFramesStopTheScanGracefully() {
        let hello = TLSClientHelloBuilder(serverName: "frames.example").handshakeMessage()
        var frames: [UInt8] = [0x01, 0x00, 0x00]  // PING, PADDING
        frames += [0x03, 0x05, 0x00, 0x01, 0x00, 0x01, 0x02, 0x01, 0x02, 0x03]  // ACK_ECN with one range
        frames += QUICInitialBuilder.cryptoFrame(offset: 0, data: hello)
        frames += [0x1c, 0x00, 0x00, 0x00]  // CONNECTION_CLOSE
        frames.withUnsafeBytes { raw in
            var count = 0
            let end = QUICCryptoFrames.scan(raw) { _, _ in count += 1 }
            #expect(end == .stoppedAtFrame(type: 0x1c))
            #expect(count == 1)
        }
        let packet = QUICInitialBuilder(version: .v1, dcid: dcid).seal(frames: frames, packetNumber: 0)
        let result = feed(QUICInitialReassembler(), packet)
        expectHello(named: "frames.example", in: result)
    }
}

/// Records an issue unless `result` is a completed hello for `name`.
func expectHello(
    named name: String,
    in result: QUICInitialReassembler.Result,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    guard case .complete(let hello) = result else {
        Issue.record("expected a complete hello for \(name), got \(result)", sourceLocation: sourceLocation)
        return
    }
    #expect(hello.serverName == name, sourceLocation: sourceLocation)
}
