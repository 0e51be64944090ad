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
