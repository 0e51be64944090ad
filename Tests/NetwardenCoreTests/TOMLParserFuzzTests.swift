import Foundation
import NetwardenCore
import NetwardenTestSupport
import Testing

/// Random damage to a real config must give errors, never a crash or a hang.
@Suite struct TOMLParserFuzzTests {
    /// Bytes that matter to the grammar, so mutations reach deep paths instead of only UTF-8 errors.
    static let interesting: [UInt8] = Array("[]{}\"'=.,#\\\n\r\t 0_xe+-:uU".utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xFF]

    @Test func mutatedShippedFileNeverCrashes() {
        let shipped = Array(NetwardenConfigTests.shippedFile.utf8)
        #expect(!shipped.isEmpty)
        var random = SeededGenerator(seed: 0x6E65_7477_6172_6465)
        var rejected = 0
        for _ in 0..<3000 {
            var bytes = shipped
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                let index = Int.random(in: 0..<bytes.count, using: &random)
                switch Int.random(in: 0..<5, using: &random) {
                case 0: bytes[index] = UInt8.random(in: 0...255, using: &random)
                case 1: bytes[index] = Self.interesting.randomElement(using: &random)!
                case 2: bytes.insert(Self.interesting.randomElement(using: &random)!, at: index)
                case 3: if bytes.count > 1 { bytes.remove(at: index) }
                default:
                    // Duplicate a chunk: repeats headers and keys, and nests brackets.
                    let end = min(bytes.count, index + Int.random(in: 1...64, using: &random))
                    bytes.insert(contentsOf: bytes[index..<end], at: index)
                }
            }
            if case .failure(let errors) = NetwardenConfig.parse(bytes: bytes, fileName: "fuzz.toml") {
                rejected += 1
                // Every diagnostic is a well-formed single line.
                for line in errors.lines {
                    #expect(line.hasPrefix("fuzz.toml:") && !line.contains("\n"), "\(line)")
                }
            }
        }
        #expect(rejected > 1000)  // the mutations really do break things
    }

    @Test func truncatedAtEveryByteNeverCrashes() {
        let shipped = Array(NetwardenConfigTests.shippedFile.utf8)
        for end in 0...shipped.count {
            _ = TOMLParser.parse(Array(shipped[..<end]))
        }
    }

    @Test func randomBytesNeverCrash() {
        var random = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in
                Self.interesting.randomElement(using: &random)!
            }
            _ = TOMLParser.parse(bytes)
        }
    }
}
