import NetwardenCore
import NetwardenDelivery
import NetwardenRemoteWrite
import NetwardenTelemetry
import Testing

/// What a batch of spooled sample groups becomes on the wire, read back with the reference
/// decoder: the grouping, order and de-duplication remote write receivers depend on.
@Suite struct RemoteWriteOutputEncoderTests {
    static let north = AgentIdentity(trust: "oak-trust", site: "north", gateway: "gw1")
    static let south = AgentIdentity(trust: "oak-trust", site: "south", gateway: "gw1")

    static func batch(_ records: [TelemetryRecord]) -> [BatchRecord] {
        records.enumerated().map { index, record in
            BatchRecord(
                queued: QueuedRecord(
                    sequence: UInt64(index + 1),
                    id: "r-\(index + 1)",
                    timestampMilliseconds: 0,
                    payload: []
                ),
                record: record
            )
        }
    }

    static func group(
        _ time: Int64,
        _ observations: [Observation],
        identity: AgentIdentity = north
    ) -> TelemetryRecord {
        .samples(SampleGroup(timestampMilliseconds: time, identity: identity, observations: observations))
    }

    static func decode(_ records: [TelemetryRecord]) throws -> RemoteWriteRequest {
        try RemoteWriteDecoder.decode(RemoteWriteOutputEncoder.body(for: batch(records)))
    }

    static func probe(_ name: String) -> [Label] { [Label("probe", name), Label("kind", "icmp")] }

    @Test func samplesAreGroupedBySeriesInFirstSeenOrderWithSortedLabels() throws {
        let request = try Self.decode([
            Self.group(
                1_000,
                [Observation(.probeSuccess, 1, Self.probe("a")), Observation(.probeDuration, 0.5, Self.probe("a"))]
            ),
            Self.group(1_500, [Observation(.probeSuccess, 0, Self.probe("b"))]),
            Self.group(
                2_000,
                [Observation(.probeSuccess, 1, Self.probe("a")), Observation(.probeDuration, 0.7, Self.probe("a"))]
            ),
        ])
        #expect(request.series.map { $0.metricName } == ["probe_success", "probe_duration_seconds", "probe_success"])
        #expect(
            request.series[0].labels.map { $0.name } == ["__name__", "gateway", "kind", "probe", "site", "trust"]
        )
        #expect(
            request.series[0].labels.map { $0.value } == ["probe_success", "gw1", "icmp", "a", "north", "oak-trust"]
        )
        #expect(request.series[0].samples.map { $0.timestampMilliseconds } == [1_000, 2_000])
        #expect(request.series[0].samples.map { $0.value } == [1, 1])
        #expect(request.series[1].samples.map { $0.value } == [0.5, 0.7])
        #expect(request.series[2].labels.first { $0.name == "probe" }?.value == "b")
        #expect(request.series[2].samples.map { $0.timestampMilliseconds } == [1_500])
    }

    @Test func eachFamilyGetsOneMetadataEntryInFirstSeenOrder() throws {
        let request = try Self.decode([
            Self.group(
                1_000,
                [Observation(.probeDuration, 0.5, Self.probe("a")), Observation(.probeSuccess, 1, Self.probe("a"))]
            ),
            Self.group(
                2_000,
                [Observation(.probeSuccess, 1, Self.probe("b")), Observation(.probeRuns, 3, Self.probe("b"))]
            ),
            // A family from another version has no help text, so no metadata.
            Self.group(3_000, [Observation(MetricFamily.named("from_the_future"), 1)]),
        ])
        #expect(
            request.metadata == [
                RemoteWriteMetadata(
                    type: .gauge,
                    metricFamilyName: "probe_duration_seconds",
                    help: MetricFamily.probeDuration.help,
                    unit: "seconds"
                ),
                RemoteWriteMetadata(
                    type: .gauge,
                    metricFamilyName: "probe_success",
                    help: MetricFamily.probeSuccess.help
                ),
                RemoteWriteMetadata(
                    type: .counter,
                    metricFamilyName: "netwarden_probe_runs_total",
                    help: MetricFamily.probeRuns.help
                ),
            ]
        )
        #expect(
            request.series.map { $0.metricName } == [
                "probe_duration_seconds", "probe_success", "probe_success", "netwarden_probe_runs_total",
                "from_the_future",
            ]
        )
    }

    @Test func identitiesAndLabelSetsMakeDistinctSeries() throws {
        let request = try Self.decode([
            Self.group(1_000, [Observation(.probeSuccess, 1, Self.probe("a"))], identity: Self.north),
            Self.group(1_000, [Observation(.probeSuccess, 0, Self.probe("a"))], identity: Self.south),
            Self.group(
                2_000,
                [Observation(.probeSuccess, 1, Self.probe("a") + [Label("zone", "x")])],
                identity: Self.north
            ),
            Self.group(3_000, [Observation(.probeSuccess, 1, Self.probe("a"))], identity: Self.north),
        ])
        #expect(request.series.count == 3)
        let sites = request.series.map { series in series.labels.first { $0.name == "site" }?.value ?? "" }
        #expect(sites == ["north", "south", "north"])
        #expect(request.series.map { $0.samples.count } == [2, 1, 1])
        #expect(request.series[2].labels.map { $0.name }.last == "zone")
    }

    @Test func samplesOutOfOrderAreSortedAndTheLastOfATimestampWins() throws {
        let request = try Self.decode([
            Self.group(3_000, [Observation(.probeSuccess, 3)]),
            Self.group(1_000, [Observation(.probeSuccess, 1)]),
            Self.group(2_000, [Observation(.probeSuccess, 2)]),
            Self.group(1_000, [Observation(.probeSuccess, 10)]),
        ])
        #expect(request.series.count == 1)
        #expect(request.series[0].samples.map { $0.timestampMilliseconds } == [1_000, 2_000, 3_000])
        #expect(request.series[0].samples.map { $0.value } == [10, 2, 3])
    }

    @Test func eventsAndInvalidLabelSetsAreLeftOut() throws {
        let event = TelemetryEvent(
            id: "e-1",
            timestampMilliseconds: 1_000,
            identity: Self.north,
            kind: EventKind("filter_leak"),
            severity: .warning,
            subject: "example.org",
            evidence: "",
            attributes: []
        )
        let request = try Self.decode([
            .event(event),
            Self.group(
                1_000,
                [Observation(.probeSuccess, 1, [Label("bad-name", "x")]), Observation(.probeSuccess, 1)]
            ),
        ])
        #expect(request.series.map { $0.labels.count } == [4])
        #expect(request.series[0].samples.map { $0.value } == [1])
    }

    @Test func emptyLabelValuesAreDropped() throws {
        let request = try Self.decode([Self.group(1_000, [Observation(.probeSuccess, 1, [Label("target", "")])])])
        #expect(request.series[0].labels.map { $0.name } == ["__name__", "gateway", "site", "trust"])
    }
}
