import NetwardenRemoteWrite
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RemoteWriteDecoderTests {
    static let sample: [UInt8] = {
        var encoder = RemoteWriteEncoder()
        for index in 0..<20 {
            try! encoder.append(
                labels: [("__name__", "probe_success"), ("site", "north"), ("target", "t\(index)")],
                samples: [(1, 1_700_000_000_000 + Int64(index)), (.nan, 1_700_000_000_001 + Int64(index))]
            )
        }
        encoder.append(RemoteWriteMetadata(type: .gauge, metricFamilyName: "probe_success", help: "Probe worked"))
        return encoder.finish()
    }()

    /// Fields a newer sender adds (Cortex's reserved 2, exemplars 3, histograms 4, a fixed32) are
    /// skipped as protobuf requires, wherever they appear.
    @Test func unknownFieldsAreSkipped() throws {
        let label: [UInt8] = [0x0A, 0x06, 0x0A, 0x01, 0x61, 0x12, 0x01, 0x62]  // a="b"
        let exemplar: [UInt8] = [0x1A, 0x02, 0x08, 0x01]  // TimeSeries field 3
        let fixed32: [UInt8] = [0x2D, 1, 2, 3, 4]  // TimeSeries field 5, wire type 5
        let series = label + exemplar + fixed32
        let request: [UInt8] = [0x10, 0x07] + [0x0A, UInt8(series.count)] + series
        let decoded = try RemoteWriteDecoder.decode(request)
        #expect(decoded.series.count == 1)
        #expect(decoded.series[0].labels.map(\.name) == ["a"] && decoded.series[0].labels.map(\.value) == ["b"])
    }

    @Test(
        arguments: [
            ([0x0A, 0x05, 0x0A], RemoteWriteError.Code.truncated),  // length past the end
            ([0x0B], .malformed),  // wire type 3, a group
            ([0x00], .malformed),  // field number 0
            ([0x08] + [UInt8](repeating: 0xFF, count: 10) + [0x01], .malformed),  // 11-byte varint
            ([0x0A, 0x05, 0x0A, 0x03, 0x0A, 0x01, 0xFF], .malformed),  // label name not UTF-8
            ([0x0A, 0x04, 0x12, 0x02, 0x09, 0x00], .truncated),  // double cut short
        ] as [([UInt8], RemoteWriteError.Code)]
    )
    func damagedInputIsNamed(bytes: [UInt8], code: RemoteWriteError.Code) {
        #expect { try RemoteWriteDecoder.decode(bytes) } throws: { ($0 as? RemoteWriteError)?.code == code }
    }

    @Test func everyTruncationDecodesOrFails() {
        for end in 0..<Self.sample.count {
            // A cut between two top-level fields leaves a valid, shorter request; anywhere else it
            // must be an error. Either way, no crash.
            if let request = try? RemoteWriteDecoder.decode(Array(Self.sample[..<end])) {
                #expect(request.series.count + request.metadata.count < 21)
            }
        }
        #expect(throws: RemoteWriteError.self) { try RemoteWriteDecoder.decode(Array(Self.sample[..<10])) }
    }

    @Test func randomAndMutatedBytesNeverCrash() {
        var random = SeededGenerator(seed: 0x6465_636F)
        for round in 0..<5000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0...200, using: &random)).map { _ in
                    UInt8.random(in: 0...255, using: &random)
                }
            } else {
                bytes = Self.sample
                for _ in 0..<Int.random(in: 1...6, using: &random) {
                    bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
                }
            }
            _ = try? RemoteWriteDecoder.decode(bytes)
        }
    }
}
