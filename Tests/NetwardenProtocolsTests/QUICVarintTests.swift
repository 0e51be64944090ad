import Testing

@testable import NetwardenProtocols

/// Varints (RFC 9000 §16) and the length form every QUIC parser uses for "N bytes follow".
@Suite struct QUICVarintTests {
    private func read<Result>(_ bytes: [UInt8], _ body: (inout ByteReader) -> Result) -> (Result, offset: Int) {
        bytes.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            let result = body(&reader)
            return (result, reader.offset)
        }
    }

    @Test func theFourEncodedLengthsOfRFC9000AppendixA() {
        #expect(read([0x25]) { $0.readQUICVarint() } == (37, 1))
        #expect(read([0x7b, 0xbd]) { $0.readQUICVarint() } == (15_293, 2))
        #expect(read([0x9d, 0x7f, 0x3e, 0x7d]) { $0.readQUICVarint() } == (494_878_333, 4))
        #expect(
            read([0xc2, 0x19, 0x7c, 0x5e, 0xff, 0x14, 0xe8, 0x8c]) { $0.readQUICVarint() }
                == (151_288_809_941_952_652, 8)
        )
        // Short input: nil, and nothing consumed.
        #expect(read([0x9d, 0x7f]) { $0.readQUICVarint() } == (nil, 0))
    }

    @Test func aLengthMustFitTheBytesLeftAfterItself() {
        // 2-byte varint saying 2, then 2 bytes: fits.
        #expect(read([0x40, 0x02, 0xaa, 0xbb]) { $0.readQUICLength() }.0 == 2)
        // The same varint with 1 byte after it: the 3 bytes left *before* it would have passed.
        #expect(read([0x40, 0x02, 0xaa]) { $0.readQUICLength() }.0 == nil)
        // An 8-byte varint claiming exactly what was left before it.
        #expect(read([0xc0, 0, 0, 0, 0, 0, 0, 0x09, 1]) { $0.readQUICLength() }.0 == nil)
        #expect(read([0x00]) { $0.readQUICLength() }.0 == 0)
    }
}

/// The frame scan over the shapes padding takes: runs of every length around the 8-byte steps
/// the scan skips them in, between, before and after CRYPTO frames.
@Suite struct QUICCryptoFrameScanTests {
    @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1000])
    func paddingRunsOfAnyLengthAreSkippedExactly(run: Int) {
        // PADDING run, CRYPTO(offset 0, "ab"), PING, PADDING run, CRYPTO(offset 2, "c"), PADDING run.
        let padding = [UInt8](repeating: 0, count: run)
        let payload =
            padding + [0x06, 0x00, 0x02, 0x61, 0x62] + [0x01] + padding + [0x06, 0x02, 0x01, 0x63] + padding
        var frames: [(UInt64, [UInt8])] = []
        let end = payload.withUnsafeBytes { raw in
            QUICCryptoFrames.scan(raw) { frames.append(($0, Array($1))) }
        }
        #expect(end == .endOfPayload)
        #expect(frames.map(\.0) == [0, 2])
        #expect(frames.map(\.1) == [[0x61, 0x62], [0x63]])
    }

    @Test func aNonZeroByteInsidePaddingIsTheNextFrame() {
        // 12 zero bytes, then CONNECTION_CLOSE (0x1c): the scan stops there, not past it.
        let payload = [UInt8](repeating: 0, count: 12) + [0x1c] + [UInt8](repeating: 0, count: 20)
        let end = payload.withUnsafeBytes { QUICCryptoFrames.scan($0) { _, _ in } }
        #expect(end == .stoppedAtFrame(type: 0x1c))
    }
}
