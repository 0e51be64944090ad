import NetwardenCore
import NetwardenDelivery
import NetwardenTelemetry
import NetwardenWire
import Testing

/// The daemon's encoder and the collector's decoder agree on docs/ingest-api.md: what
/// `CollectorEncoder` writes decodes back to the same records, and the decoder refuses what
/// the contract says is bad.
@Suite(.timeLimit(.minutes(1)))
struct WireContractTests {
    static let oak = AgentIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1")

    @Test func whatTheDaemonEncodesDecodesToTheSameRecords() throws {
        let group = SampleGroup(
            timestampMilliseconds: 1_733_300_000_123,
            identity: Self.oak,
            observations: [
                Observation(
                    .probeSuccess,
                    1,
                    [Label("probe", "vle"), Label("kind", "http"), Label("target", "https://vle.example/")]
                ),
                Observation(.probeDuration, .nan, [Label("probe", "vle")]),
            ]
        )
        let event = TelemetryEvent(
            id: "f-0123456789abcdef",
            timestampMilliseconds: 1_733_300_000_999,
            identity: AgentIdentity(trust: "oak-trust", site: "renamed-site", gateway: "gw1"),
            kind: EventKind("filter_leak"),
            severity: .error,
            subject: "casino.example \"quoted\" ✓",
            evidence: "TLS handshake completed with 203.0.113.7:443\nsecond line",
            attributes: [Label("category", "gambling"), Label("client", "c-0011aabbccdd")]
        )
        let batch = [
            BatchRecord(
                queued: QueuedRecord(sequence: 1233, id: "5f0c-1233", timestampMilliseconds: 0, payload: []),
                record: .samples(group)
            ),
            BatchRecord(
                queued: QueuedRecord(sequence: 1234, id: "5f0c-1234", timestampMilliseconds: 0, payload: []),
                record: .event(event)
            ),
        ]
        let body = CollectorEncoder.body(for: batch, agent: Self.oak)
        // Fed whole, and with the lines split apart and rejoined, the result is the same.
        let decoded = try IngestDecoder().decode(body)
        #expect(
            decoded.header
                == WireBatchHeader(
                    version: 1,
                    agent: WireIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1"),
                    batch: 1234,
                    records: 2
                )
        )
        #expect(decoded.unknownFields == 0)
        guard case .samples(let samples) = decoded.records[0], case .event(let decodedEvent) = decoded.records[1] else {
            Issue.record("wrong record kinds: \(decoded.records)")
            return
        }
        #expect(samples.id == "5f0c-1233")
        #expect(samples.timestampMilliseconds == 1_733_300_000_123)
        #expect(samples.samples.map(\.name) == ["probe_success", "probe_duration_seconds"])
        #expect(samples.samples[0].labels.map(\.name) == ["probe", "kind", "target"])
        #expect(samples.samples[0].value == 1)
        #expect(samples.samples[1].value == nil, "NaN travels as null")
        #expect(decodedEvent.id == "f-0123456789abcdef")
        #expect(decodedEvent.identity.site == "renamed-site")
        #expect(decodedEvent.subject == "casino.example \"quoted\" ✓")
        #expect(decodedEvent.evidence.contains("\n"))
        #expect(decodedEvent.attributes.map(\.value) == ["gambling", "c-0011aabbccdd"])
    }

    @Test func decoderRefusesWhatTheContractCallsBad() {
        let header =
            #"{"type":"batch","version":1,"agent":{"trust":"t","site":"s","gateway":"g"},"batch":1,"records":1}"#
        let record =
            #"{"type":"samples","id":"a","ts":1,"identity":{"trust":"t","site":"s","gateway":"g"},"samples":[]}"#
        let cases: [(String, IngestDecodeError.Code)] = [
            ("", .invalidHeader),
            (record + "\n", .invalidHeader),
            (header + "\n", .recordCountMismatch),
            (header + "\n" + record + "\n" + record + "\n", .recordCountMismatch),
            (header + "\n{\"type\":\"samples\"\n", .malformedJSON),
            (header + "\n" + record.replacingOccurrences(of: "\"ts\":1", with: "\"ts\":\"1\"") + "\n", .invalidRecord),
            (header + "\n" + record.replacingOccurrences(of: "\"ts\":1", with: "\"ts\":-1") + "\n", .invalidRecord),
            (header + "\n" + String(repeating: "[", count: 100) + "\n", .malformedJSON),
            (header + "\n" + "{\"type\":\"samples\",\"id\":\"\\ud800\"}" + "\n", .malformedJSON),
            (header.replacingOccurrences(of: "\"records\":1", with: "\"records\":3") + "\n", .tooManyRecords),
        ]
        for (body, code) in cases {
            do {
                let batch = try IngestDecoder(maximumRecords: 2).decode(Array(body.utf8))
                Issue.record("accepted \(body.prefix(80)) as \(batch)")
            } catch {
                #expect(error.code == code, "\(body.prefix(80)): \(error)")
            }
        }
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
