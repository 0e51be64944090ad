import NetwardenCompression
import NetwardenRemoteWrite
import Testing

/// A million samples go through encode, snappy and back intact. The timings it prints are for
/// orientation only (debug build; Benchmarks/remotewrite measures properly).
@Suite(.timeLimit(.minutes(2)))
struct RemoteWriteLargeRequestTests {
    @Test func millionSamples() throws {
        let seriesCount = 10_000
        let samplesPerSeries = 100
        let clock = ContinuousClock()
        var encoder = RemoteWriteEncoder()
        let encodeTime = try clock.measure {
            for index in 0..<seriesCount {
                let samples = (0..<samplesPerSeries).map {
                    (value: Double($0) * 0.5, timestampMilliseconds: 1_700_000_000_000 + Int64($0) * 15_000)
                }
                try encoder.append(
                    labels: [
                        ("__name__", "probe_duration_seconds"), ("gateway", "gw1"), ("kind", "http"),
                        ("probe", "p\(index % 50)"), ("site", "north"), ("target", "t\(index)"), ("trust", "acme"),
                    ],
                    samples: samples
                )
            }
        }
        let body = encoder.finish()
        var compressed: [UInt8] = []
        let compressTime = clock.measure { compressed = Snappy.compress(body) }
        print(
            "1M samples: \(body.count) bytes, snappy \(compressed.count); encode \(encodeTime), snappy \(compressTime)"
        )

        #expect(encoder.sampleCount == 1_000_000)
        let decoded = try RemoteWriteDecoder.decode(try Snappy.uncompress(compressed))
        #expect(decoded.series.count == seriesCount)
        #expect(decoded.series.map(\.samples.count).reduce(0, +) == 1_000_000)
        let last = try #require(decoded.series.last)
        #expect(last.labels.first { $0.name == "target" }?.value == "t9999")
        let lastTimestamp = try #require(last.samples.last).timestampMilliseconds
        #expect(lastTimestamp == 1_700_000_000_000 + 99 * 15_000)
    }
}
