import NetwardenRemoteWrite
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RemoteWriteLabelsTests {
    static let labels = [("site", "north"), ("__name__", "probe_success"), ("probe", ""), ("kind", "dns")]

    @Test func preEncodedLabelsWriteTheSameBytes() throws {
        let encoded = try RemoteWriteLabels(Self.labels)
        var fast = RemoteWriteEncoder()
        var checked = RemoteWriteEncoder()
        fast.append(encoded, value: 0.5, timestampMilliseconds: 1_700_000_000_000)
        try checked.append(labels: Self.labels, value: 0.5, timestampMilliseconds: 1_700_000_000_000)
        let samples: [(value: Double, timestampMilliseconds: Int64)] = [(1, -3), (.nan, 0), (2, 99)]
        try fast.append(encoded, samples: samples)
        try checked.append(labels: Self.labels, samples: samples)
        #expect(fast.finish() == checked.finish())
        #expect(fast.seriesCount == 2 && fast.sampleCount == 4)
    }

    @Test func labelsAreKeptAsSent() throws {
        let encoded = try RemoteWriteLabels(Self.labels)
        #expect(encoded.labels.map(\.name) == ["__name__", "kind", "site"])
        #expect(encoded.metricName == "probe_success")
        #expect(encoded.description == "probe_success{kind=\"dns\",site=\"north\"}")
    }

    @Test func equalWhenTheyEncodeTheSame() throws {
        let a = try RemoteWriteLabels(Self.labels)
        let b = try RemoteWriteLabels(Self.labels.reversed().filter { !$0.1.isEmpty })
        let c = try RemoteWriteLabels([("__name__", "probe_success"), ("kind", "tcp"), ("site", "north")])
        #expect(a == b && a.hashValue == b.hashValue)
        #expect(a != c)
        #expect(Set([a, b, c]).count == 2)
    }

    @Test func rejectsWhatTheEncoderRejects() {
        #expect { try RemoteWriteLabels([("kind", "dns")]) } throws: {
            ($0 as? RemoteWriteError)?.code == .missingMetricName
        }
        #expect { try RemoteWriteLabels([("__name__", "x"), ("a-b", "1")]) } throws: {
            ($0 as? RemoteWriteError)?.code == .invalidLabelName
        }
    }

    @Test func samplesOutOfOrderWriteNothing() throws {
        var encoder = RemoteWriteEncoder()
        #expect { try encoder.append(RemoteWriteLabels(Self.labels), samples: [(1, 5), (2, 5)]) } throws: {
            ($0 as? RemoteWriteError)?.code == .samplesOutOfOrder
                && ($0 as? RemoteWriteError)?.message.hasPrefix("probe_success:") == true
        }
        #expect(encoder.finish().isEmpty && encoder.seriesCount == 0)
    }
}
