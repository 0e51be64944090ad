import NetwardenCompression
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct SnappyTests {
    /// Inputs of the shapes snappy handles differently: nothing, shorter than a tag, literals
    /// only (random), long copies (repetitive), and more than one 64 KiB block.
    static let inputs: [[UInt8]] = {
        var random = SeededGenerator(seed: 0x736E_6170)
        let noise = (0..<100_000).map { _ in UInt8.random(in: 0...255, using: &random) }
        let text = Array(
            String(repeating: "probe_success{site=\"north\",target=\"dns\"} 1 1700000000000\n", count: 5000).utf8
        )
        return [[], [0x42], Array("hello hello hello hello".utf8), noise, text, [UInt8](repeating: 0, count: 1 << 20)]
    }()

    @Test func roundTrips() throws {
        for input in Self.inputs {
            let compressed = Snappy.compress(input)
            #expect(try Snappy.uncompress(compressed) == input)
            input.withUnsafeBytes { raw in #expect(Snappy.compress(raw) == compressed) }
        }
    }

    @Test func repetitiveInputShrinksAndKeepsNoWorstCaseAllocation() {
        let compressed = Snappy.compress([UInt8](repeating: 0, count: 1 << 20))
        #expect(compressed.count < 60_000)
        // The worst-case buffer (about 1.2 MiB here) is not what a queued body keeps.
        #expect(compressed.capacity < compressed.count * 2 + 4096)
    }

    @Test(.requiresPythonSnappy)
    func pythonSnappyReadsOurBlocks() async throws {
        for input in Self.inputs {
            let restored = try await ReferenceTools.python(
                "import sys, snappy; sys.stdout.buffer.write(snappy.uncompress(sys.stdin.buffer.read()))",
                input: Snappy.compress(input)
            )
            #expect(restored == input, "python-snappy read back \(restored.count) of \(input.count) bytes")
        }
    }

    @Test(.requiresPythonSnappy)
    func weReadPythonSnappyBlocks() async throws {
        for input in Self.inputs {
            // An empty input reaches python as /dev/null on stdin, which reads as b''.
            let compressed = try await ReferenceTools.python(
                "import sys, snappy; sys.stdout.buffer.write(snappy.compress(sys.stdin.buffer.read()))",
                input: input
            )
            #expect(try Snappy.uncompress(compressed) == input)
        }
    }

    @Test func forgedLengthIsRefusedBeforeAllocating() throws {
        // A varint header claiming 4 GiB - 1 followed by nothing: the claim alone must fail.
        let bomb: [UInt8] = [0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
        #expect(throws: CompressionError.self) { try Snappy.uncompress(bomb) }
        do {
            _ = try Snappy.uncompress(Snappy.compress([UInt8](repeating: 7, count: 1000)), maxBytes: 999)
            Issue.record("1000 bytes passed a 999-byte limit")
        } catch {
            #expect(error.code == .tooLarge)
        }
        #expect(
            try Snappy.uncompress(Snappy.compress([UInt8](repeating: 7, count: 1000)), maxBytes: 1000).count == 1000
        )
    }

    @Test func emptyInputIsTruncated() {
        do {
            _ = try Snappy.uncompress([UInt8]())
            Issue.record("empty input decompressed")
        } catch {
            #expect(error.code == .truncated)
            #expect(error.description.contains("snappy"))
        }
    }

    @Test func everyTruncationFails() {
        let compressed = Snappy.compress(Self.inputs[4])
        for end in 0..<compressed.count {
            #expect(throws: CompressionError.self) { try Snappy.uncompress(Array(compressed[..<end])) }
        }
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = SeededGenerator(seed: 0x6675_7A7A)
        let valid = Snappy.compress(Self.inputs[4])
        var rejected = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            do {
                // A small cap keeps random headers from allocating much; the point is no crash.
                _ = try Snappy.uncompress(bytes, maxBytes: 1 << 20)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 1000)
    }
}
