import NetwardenRemoteWrite
import NetwardenTestSupport
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RemoteWriteEncoderTests {
    /// The whole wire format of one series, worked out by hand from the protobuf encoding rules.
    @Test func goldenBytes() throws {
        var encoder = RemoteWriteEncoder()
        try encoder.append(labels: [("__name__", "up"), ("job", "x")], value: 1, timestampMilliseconds: 1000)
        let expected: [UInt8] =
            [0x0A, 0x28]  // WriteRequest.timeseries, 40 bytes
            + [0x0A, 0x0E, 0x0A, 0x08] + Array("__name__".utf8) + [0x12, 0x02] + Array("up".utf8)
            + [0x0A, 0x08, 0x0A, 0x03] + Array("job".utf8) + [0x12, 0x01] + Array("x".utf8)
            + [0x12, 0x0C, 0x09, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x10, 0xE8, 0x07]  // 1.0 @ 1000
        #expect(encoder.finish() == expected)
        #expect(encoder.seriesCount == 1 && encoder.sampleCount == 1)
    }

    @Test func emptyRequestIsZeroBytes() throws {
        let encoder = RemoteWriteEncoder()
        #expect(encoder.finish() == [])
        #expect(try RemoteWriteDecoder.decode(encoder.finish()) == RemoteWriteRequest())
    }

    @Test func labelsAreSortedAndEmptyValuesDropped() throws {
        var encoder = RemoteWriteEncoder()
        try encoder.append(
            labels: [("site", "north"), ("probe", ""), ("__name__", "probe_success"), ("Zone", "a"), ("kind", "dns")],
            value: 1,
            timestampMilliseconds: 5
        )
        let series = try RemoteWriteDecoder.decode(encoder.finish()).series
        // Bytewise order: upper case before "_" before lower case, as Go compares strings.
        #expect(series.map { $0.labels.map(\.name) } == [["Zone", "__name__", "kind", "site"]])
    }

    @Test func sortedInputIsWrittenAsGiven() throws {
        let labels = [("__name__", "a"), ("b", "1"), ("c", "2")]
        var sorted = RemoteWriteEncoder()
        var shuffled = RemoteWriteEncoder()
        try sorted.append(labels: labels, value: 2, timestampMilliseconds: 9)
        try shuffled.append(labels: labels.reversed(), value: 2, timestampMilliseconds: 9)
        #expect(sorted.finish() == shuffled.finish())
    }

    @Test(
        arguments: [
            ([("job", "x")], RemoteWriteError.Code.missingMetricName),
            ([("__name__", ""), ("job", "x")], .missingMetricName),
            ([("__name__", "up"), ("job", "x"), ("job", "y")], .duplicateLabelName),
            ([("__name__", "up"), ("bad-name", "x")], .invalidLabelName),
            ([("__name__", "up"), ("1st", "x")], .invalidLabelName),
            ([("__name__", "up"), ("", "x")], .invalidLabelName),
            ([("__name__", "up"), ("caf\u{E9}", "x")], .invalidLabelName),
            ([("__name__", "1up")], .invalidMetricName),
            ([("__name__", "probe-success")], .invalidMetricName),
        ] as [([(String, String)], RemoteWriteError.Code)]
    )
    func rejectedSeriesLeaveTheRequestUnchanged(labels: [(String, String)], code: RemoteWriteError.Code) throws {
        var encoder = RemoteWriteEncoder()
        try encoder.append(labels: [("__name__", "before")], value: 1, timestampMilliseconds: 1)
        let before = encoder.finish()
        #expect {
            try encoder.append(labels: labels.map { (name: $0.0, value: $0.1) }, value: 1, timestampMilliseconds: 1)
        } throws: { ($0 as? RemoteWriteError)?.code == code }
        #expect(encoder.finish() == before)
        #expect(encoder.seriesCount == 1 && encoder.sampleCount == 1)
    }

    @Test func colonsAreValidInMetricNamesOnly() throws {
        var encoder = RemoteWriteEncoder()
        try encoder.append(
            labels: [("__name__", "job:probe_success:avg5m"), ("_x9", "y")],
            value: 1,
            timestampMilliseconds: 1
        )
        #expect(throws: RemoteWriteError.self) {
            try encoder.append(labels: [("__name__", "up"), ("a:b", "y")], value: 1, timestampMilliseconds: 1)
        }
    }

    @Test func samplesMustMoveForward() throws {
        var encoder = RemoteWriteEncoder()
        for timestamps in [[2, 1], [1, 1], [5, 6, 6]] as [[Int64]] {
            #expect {
                try encoder.append(
                    labels: [("__name__", "up")],
                    samples: timestamps.map { (value: 1, timestampMilliseconds: $0) }
                )
            } throws: { ($0 as? RemoteWriteError)?.code == .samplesOutOfOrder }
        }
        #expect(encoder.finish() == [])
        try encoder.append(labels: [("__name__", "up")], samples: [(1, -5), (2, 0), (3, 7)])
        #expect(encoder.sampleCount == 3)
    }

    @Test func oneSampleShortcutMatchesTheGeneralForm() throws {
        var single = RemoteWriteEncoder()
        var general = RemoteWriteEncoder()
        let labels = [("__name__", "x"), ("site", "s")]
        try single.append(labels: labels, value: 0.25, timestampMilliseconds: 1_700_000_000_123)
        try general.append(RemoteWriteSeries(labels: labels, samples: [(0.25, 1_700_000_000_123)]))
        #expect(single.finish() == general.finish())
    }

    /// NaN payloads must survive bit for bit: the stale marker is one particular NaN.
    @Test func specialValuesKeepTheirBits() throws {
        let values: [Double] = [
            RemoteWriteStaleMarker.value, .nan, -.nan, .infinity, -.infinity, 0, -0.0, .greatestFiniteMagnitude,
            .leastNonzeroMagnitude, -.leastNormalMagnitude, 0.1,
        ]
        var encoder = RemoteWriteEncoder()
        try encoder.append(
            labels: [("__name__", "v")],
            samples: values.enumerated().map { (value: $0.element, timestampMilliseconds: Int64($0.offset)) }
        )
        let decoded = try RemoteWriteDecoder.decode(encoder.finish()).series[0].samples.map(\.value)
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern))
        #expect(RemoteWriteStaleMarker.matches(decoded[0]) && !RemoteWriteStaleMarker.matches(decoded[1]))
        // On the wire: fixed64 little-endian, so the marker is 02 00 00 00 00 00 F0 7F.
        #expect(encoder.finish().firstRange(of: [0x09, 0x02, 0, 0, 0, 0, 0, 0xF0, 0x7F]) != nil)
    }

    @Test func timestampsAtTheEdgesOfInt64() throws {
        var encoder = RemoteWriteEncoder()
        let timestamps: [Int64] = [.min, -1, 0, 1, 127, 128, 1_700_000_000_000, .max]
        try encoder.append(labels: [("__name__", "t")], samples: timestamps.map { (1, $0) })
        let decoded = try RemoteWriteDecoder.decode(encoder.finish()).series[0].samples.map(\.timestampMilliseconds)
        #expect(decoded == timestamps)
    }

    @Test func unicodeValuesAreRawUTF8() throws {
        let values = ["caf\u{E9}", "\u{5B66}\u{6821}", "\u{1F3EB}", "a\u{0}b", "line\nbreak \"quoted\" \\"]
        var encoder = RemoteWriteEncoder()
        for (index, value) in values.enumerated() {
            try encoder.append(
                labels: [("__name__", "u"), ("school", value)],
                value: 1,
                timestampMilliseconds: Int64(index)
            )
        }
        let bytes = encoder.finish()
        #expect(bytes.firstRange(of: Array("\u{1F3EB}".utf8)) != nil)
        #expect(try RemoteWriteDecoder.decode(bytes).series.map { $0.labels[1].value } == values)
    }

    @Test func veryLongLabelsGetMultiByteLengths() throws {
        let longName = "n" + String(repeating: "_x", count: 200)
        let longValue = String(repeating: "\u{E9}", count: 600_000)  // 1.2 MB of UTF-8
        var encoder = RemoteWriteEncoder()
        try encoder.append(labels: [("__name__", "long"), (longName, longValue)], value: 1, timestampMilliseconds: 1)
        let series = try RemoteWriteDecoder.decode(encoder.finish()).series
        #expect(series.count == 1)
        #expect(series.first?.labels.last?.name == longName)
        #expect(series.first?.labels.last?.value == longValue)
    }

    @Test func metadataRoundTrips() throws {
        var encoder = RemoteWriteEncoder()
        let all = RemoteWriteMetadata.MetricType.allCases.map {
            RemoteWriteMetadata(type: $0, metricFamilyName: "m_\($0)", help: "Help for \($0) \u{2713}", unit: "seconds")
        }
        for metadata in all { encoder.append(metadata) }
        try encoder.append(labels: [("__name__", "after")], value: 1, timestampMilliseconds: 1)
        let bare = RemoteWriteMetadata(type: .unknown, metricFamilyName: "bare", help: "")
        encoder.append(bare)
        let decoded = try RemoteWriteDecoder.decode(encoder.finish())
        #expect(decoded.metadata == all + [bare])
        #expect(decoded.series.count == 1)
        // Defaults are left out: just the family name's field.
        #expect(encoder.finish().suffix(8) == [0x1A, 0x06, 0x12, 0x04] + Array("bare".utf8))
    }

    @Test func randomSeriesRoundTrip() throws {
        var random = SeededGenerator(seed: 0x7277_7465)
        let names = ["__name__", "site", "gateway", "probe", "kind", "target", "trust", "phase", "reason"]
        for _ in 0..<200 {
            var expected: [RemoteWriteSeries] = []
            var encoder = RemoteWriteEncoder()
            for index in 0..<Int.random(in: 0...20, using: &random) {
                var labels = [(name: "__name__", value: "metric_\(index)")]
                for name in names.dropFirst() where Bool.random(using: &random) {
                    labels.append(
                        (name, Bool.random(using: &random) ? "" : "v\(UInt32.random(in: 0...9999, using: &random))")
                    )
                }
                labels.shuffle(using: &random)
                var time = Int64.random(in: -1000...1_800_000_000_000, using: &random)
                let samples = (0..<Int.random(in: 0...5, using: &random)).map { _ in
                    time += Int64.random(in: 1...1_000_000, using: &random)
                    return (
                        value: Double(bitPattern: UInt64.random(in: .min ... .max, using: &random)),
                        timestampMilliseconds: time
                    )
                }
                try encoder.append(labels: labels, samples: samples)
                let written = labels.filter { !$0.value.isEmpty }.sorted {
                    $0.name.utf8.lexicographicallyPrecedes($1.name.utf8)
                }
                expected.append(RemoteWriteSeries(labels: written, samples: samples))
            }
            #expect(try RemoteWriteDecoder.decode(encoder.finish()).series == expected)
            #expect(encoder.seriesCount == expected.count)
            #expect(encoder.sampleCount == expected.map(\.samples.count).reduce(0, +))
        }
    }

    @Test func reuseAfterRemoveAll() throws {
        var encoder = RemoteWriteEncoder(reservingCapacity: 1 << 16)
        try encoder.append(labels: [("__name__", "a")], value: 1, timestampMilliseconds: 1)
        let first = encoder.finish()
        encoder.removeAll()
        #expect(encoder.finish().isEmpty && encoder.seriesCount == 0 && encoder.sampleCount == 0)
        try encoder.append(labels: [("__name__", "a")], value: 1, timestampMilliseconds: 1)
        #expect(encoder.finish() == first)
    }

    @Test func httpHeadersAreTheSpecs() {
        let headers = RemoteWriteHTTP.headers(userAgent: "netwarden/test")
        #expect(
            headers.map(\.name) == [
                "Content-Encoding", "Content-Type", "X-Prometheus-Remote-Write-Version", "User-Agent",
            ]
        )
        #expect(headers.map(\.value) == ["snappy", "application/x-protobuf", "0.1.0", "netwarden/test"])
        #expect(RemoteWriteHTTP.isRetryable(status: 503) && RemoteWriteHTTP.isRetryable(status: 429))
        #expect(!RemoteWriteHTTP.isRetryable(status: 400) && !RemoteWriteHTTP.isRetryable(status: 204))
    }
}
