import NetwardenCore
import NetwardenTelemetry
import NetwardenTestSupport
import Testing

@Suite struct TelemetryRecordCodecTests {
    static let identity = AgentIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw-1")

    static let records: [TelemetryRecord] = [
        .samples(
            SampleGroup(
                timestampMilliseconds: 1_700_000_000_123,
                identity: identity,
                observations: [
                    Observation(.probeSuccess, 1, [Label("probe", "vle"), Label("target", "https://vle.example/")]),
                    Observation(.icmpRTT, 0.012_5, [Label("stat", "median")]),
                    Observation(.linkReceiveBytes, 1.8e19),
                    Observation(.icmpLossRatio, .nan),
                    Observation(.icmpJitter, -.infinity),
                    Observation(MetricFamily.named("netwarden_future_metric"), 3, [Label("naïve", "café ☕")]),
                ]
            )
        ),
        .samples(
            SampleGroup(
                timestampMilliseconds: -5,
                identity: AgentIdentity(trust: "", site: "", gateway: ""),
                observations: []
            )
        ),
        .event(
            TelemetryEvent(
                id: "f-0123456789abcdef",
                timestampMilliseconds: 1_700_000_000_999,
                identity: identity,
                kind: EventKind("filter_leak"),
                severity: .error,
                subject: "adult.example",
                evidence: "TLS handshake completed with 203.0.113.7:443",
                attributes: [Label("category", "adult"), Label("client", "c-0011aabbccdd")]
            )
        ),
    ]

    @Test func everyRecordRoundTripsExactly() throws {
        for record in Self.records {
            let bytes = TelemetryRecordCodec.encode(record)
            #expect(try TelemetryRecordCodec.decode(bytes) == record)
        }
    }

    /// Families are matched by name (`==`), so this checks what the uploaders read off them:
    /// the catalogue's kind, unit and help, or an untyped gauge for a name it does not know.
    @Test func familiesDecodeToTheirCatalogueEntryOrAnUntypedGauge() throws {
        let unknown = [
            "netwarden_future_metric",
            // As long as a catalogue name and differing only in its last byte.
            String(MetricFamily.probeSuccess.name.dropLast()) + "x",
            "",
        ]
        let families = MetricFamily.all + unknown.map(MetricFamily.named)
        let record = TelemetryRecord.samples(
            SampleGroup(
                timestampMilliseconds: 1,
                identity: Self.identity,
                observations: families.map { Observation($0, 1) }
            )
        )
        guard case .samples(let group) = try TelemetryRecordCodec.decode(TelemetryRecordCodec.encode(record)) else {
            Issue.record("not a sample group")
            return
        }
        for (decoded, family) in zip(group.observations.map(\.family), families) {
            #expect(decoded.name == family.name)
            #expect(decoded.kind == family.kind)
            #expect(decoded.unit == family.unit)
            #expect(decoded.help == family.help)
        }
        #expect(
            group.observations.suffix(unknown.count).allSatisfy { $0.family.help.isEmpty && $0.family.kind == .gauge }
        )
    }

    @Test func everyTruncationIsAnErrorNotACrash() {
        for record in Self.records {
            let bytes = TelemetryRecordCodec.encode(record)
            for length in 0..<bytes.count {
                #expect(throws: TelemetryCodecError.self) { try TelemetryRecordCodec.decode(Array(bytes[0..<length])) }
            }
            #expect(throws: TelemetryCodecError.self) { try TelemetryRecordCodec.decode(bytes + [0]) }
        }
    }

    @Test func randomMutationsNeverCrashOrOverAllocate() {
        var generator = SeededGenerator(seed: 0x5EED)
        for record in Self.records {
            let original = TelemetryRecordCodec.encode(record)
            for _ in 0..<2_000 {
                var bytes = original
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    let index = Int.random(in: 0..<bytes.count, using: &generator)
                    bytes[index] = UInt8.random(in: 0...255, using: &generator)
                }
                _ = try? TelemetryRecordCodec.decode(bytes)
            }
        }
        // A count claiming billions of items must fail before allocating for them.
        #expect(throws: TelemetryCodecError.self) {
            try TelemetryRecordCodec.decode(
                [1] + [UInt8](repeating: 0, count: 8) + [0, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]
            )
        }
    }
}
