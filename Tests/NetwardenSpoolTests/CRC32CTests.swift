import NetwardenSpool
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1))) struct CRC32CTests {
    /// RFC 3720 appendix B.4 vectors and the common "123456789" check value.
    @Test func matchesKnownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xff, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).reversed().map { UInt8($0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// Slicing-by-8 against the one-bit-at-a-time definition, at every length and alignment.
    @Test func agreesWithBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt32 {
            var crc: UInt32 = 0xffff_ffff
            for byte in bytes {
                crc ^= UInt32(byte)
                for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
            }
            return ~crc
        }
        var generator = SeededGenerator(seed: 3720)
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &generator) }
        for start in 0..<9 {
            for end in stride(from: start, through: data.count, by: 7) {
                let slice = data[start..<end]
                #expect(Array(slice).withUnsafeBytes { CRC32C.checksum($0) } == bitwise(slice))
            }
        }
    }

    @Test func continuesAcrossPieces() {
        let whole = Array("The quick brown fox jumps over the lazy dog".utf8)
        let split = whole.withUnsafeBytes { raw in
            CRC32C.update(
                CRC32C.checksum(UnsafeRawBufferPointer(rebasing: raw[..<13])),
                UnsafeRawBufferPointer(rebasing: raw[13...])
            )
        }
        #expect(split == CRC32C.checksum(whole))
    }
}
