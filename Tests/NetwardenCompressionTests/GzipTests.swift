import NetwardenCompression
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct GzipTests {
    static let text = Array(
        String(
            repeating: "{\"stream\":{\"site\":\"north\"},\"values\":[[\"1700000000000000000\",\"leak\"]]}\n",
            count: 3000
        )
        .utf8
    )
    static let noise: [UInt8] = {
        var random = SeededGenerator(seed: 0x677A_6970)
        return (0..<50_000).map { _ in UInt8.random(in: 0...255, using: &random) }
    }()

    @Test func roundTripsAtEveryLevel() throws {
        for input in [[], [0x42], Self.text, Self.noise] {
            for level in 0...9 {
                let compressed = Gzip.compress(input, level: level)
                #expect(compressed.starts(with: [0x1F, 0x8B, 0x08]), "gzip magic and deflate method")
                #expect(try Gzip.decompress(compressed, maxBytes: input.count) == input)
            }
            input.withUnsafeBytes { raw in #expect(Gzip.compress(raw) == Gzip.compress(input)) }
        }
        let compressed = Gzip.compress(Self.text)
        #expect(compressed.count < Self.text.count / 20)
        #expect(compressed.capacity < compressed.count * 2 + 4096, "no worst-case allocation kept")
    }

    @Test(.enabled(if: ReferenceTools.gzip.isInstalled, "needs \(ReferenceTools.gzip)"))
    func gzipCommandReadsOurOutput() async throws {
        for input in [Self.text, Self.noise, [0x42]] {
            let output = try await Command(["gzip", "-d", "-c"], standardInput: Gzip.compress(input, level: 9)).run()
            #expect(output.standardOutput == input)
        }
    }

    @Test(.enabled(if: ReferenceTools.python.isInstalled, "needs \(ReferenceTools.python)"))
    func pythonGzipReadsOurOutput() async throws {
        let restored = try await ReferenceTools.python(
            "import sys, gzip; sys.stdout.buffer.write(gzip.decompress(sys.stdin.buffer.read()))",
            input: Gzip.compress(Self.text)
        )
        #expect(restored == Self.text)
    }

    @Test(.enabled(if: ReferenceTools.gzip.isInstalled, "needs \(ReferenceTools.gzip)"))
    func weReadGzipCommandOutput() async throws {
        let compressed = try await Command(["gzip", "-c", "-n"], standardInput: Self.text).run().standardOutput
        #expect(try Gzip.decompress(compressed, maxBytes: 1 << 20) == Self.text)
    }

    @Test func concatenatedMembersAreJoined() throws {
        let joined = Gzip.compress(Array("first ".utf8)) + Gzip.compress(Array("second".utf8))
        #expect(try Gzip.decompress(joined, maxBytes: 100) == Array("first second".utf8))
    }

    @Test func trailingGarbageIsCorrupt() {
        do {
            _ = try Gzip.decompress(Gzip.compress(Self.text) + [1, 2, 3, 4], maxBytes: 1 << 20)
            Issue.record("trailing bytes accepted")
        } catch {
            #expect(error.code == .corrupt)
        }
    }

    /// 1 GiB of zeros deflates to about 1 MiB; the limit must stop it long before.
    @Test func bombStopsAtTheLimit() {
        let bomb = Gzip.compress([UInt8](repeating: 0, count: 64 << 20), level: 9)
        #expect(bomb.count < 100_000)
        do {
            _ = try Gzip.decompress(bomb, maxBytes: 1 << 20)
            Issue.record("64 MiB passed a 1 MiB limit")
        } catch {
            #expect(error.code == .tooLarge)
            #expect(error.message.contains("1048576"))
        }
    }

    @Test func limitIsExact() throws {
        let compressed = Gzip.compress(Self.text)
        #expect(try Gzip.decompress(compressed, maxBytes: Self.text.count) == Self.text)
        #expect(throws: CompressionError.self) { try Gzip.decompress(compressed, maxBytes: Self.text.count - 1) }
        #expect(throws: CompressionError.self) { try Gzip.decompress(Gzip.compress([1]), maxBytes: 0) }
        #expect(try Gzip.decompress(Gzip.compress([]), maxBytes: 0) == [])
    }

    @Test func everyTruncationIsAnError() {
        let compressed = Gzip.compress(Array(Self.text.prefix(2000)))
        for end in 0..<compressed.count {
            do {
                _ = try Gzip.decompress(Array(compressed[..<end]), maxBytes: 1 << 20)
                Issue.record("\(end) of \(compressed.count) bytes decompressed")
            } catch {
                #expect(error.code == .truncated || error.code == .corrupt, "\(error)")
            }
        }
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = SeededGenerator(seed: 0x6275_7A7A)
        let valid = Gzip.compress(Self.text)
        var rejected = 0
        for round in 0..<3000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...300, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
                // Half the random inputs get a real header, so inflate gets past the first bytes.
                if round % 4 == 0 { bytes = [0x1F, 0x8B, 0x08, 0, 0, 0, 0, 0, 0, 0xFF] + bytes }
            } else {
                bytes = valid
                for _ in 0..<Int.random(in: 1...8, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            do {
                _ = try Gzip.decompress(bytes, maxBytes: 1 << 20)
            } catch {
                rejected += 1
            }
        }
        #expect(rejected > 1500)
    }
}
