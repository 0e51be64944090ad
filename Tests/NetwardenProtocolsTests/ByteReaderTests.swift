import NetwardenProtocols
import Testing

@Suite struct ByteReaderTests {
    @Test func readsBigEndianIntegersAndStopsAtTheEnd() {
        let input: [UInt8] = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a]
        input.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(reader.readUInt8() == 0x01)
            #expect(reader.readUInt16() == 0x0203)
            #expect(reader.readUInt24() == 0x04_0506)
            #expect(reader.remaining == 4)
            #expect(reader.readUInt32() == 0x0708_090a)
            #expect(reader.readUInt32() == nil)
            #expect(reader.isAtEnd)
        }
    }

    @Test func shortReadsReturnNilWithoutMoving() {
        let input: [UInt8] = [0xaa, 0xbb, 0xcc]
        input.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            #expect(reader.readUInt32() == nil)
            #expect(reader.offset == 0)
            #expect(reader.readSlice(4) == nil)
            #expect(reader.skip(4) == false)
            #expect(reader.readSlice(3)?.count == 3)
            #expect(reader.isAtEnd)
            #expect(reader.readUInt8() == nil)
        }
    }

    @Test func subReadersAreConfinedToTheirLength() {
        let input: [UInt8] = [0x00, 0x02, 0xde, 0xad, 0xbe, 0xef]
        input.withUnsafeBytes { raw in
            var reader = ByteReader(raw)
            let length = Int(reader.readUInt16()!)
            var sub = reader.readSubReader(length)!
            #expect(sub.readUInt16() == 0xdead)
            #expect(sub.readUInt8() == nil)
            #expect(reader.readUInt16() == 0xbeef)
        }
    }
}
