import NetwardenCore
import NetwardenTelemetry
import NetwardenTestSupport
import Testing

@Suite struct TelemetryHubTests {
    let identity = AgentIdentity(trust: "oak-trust", site: "oak-primary", gateway: "gw1")

    func hub() -> (TelemetryHub, ManualWallClock, RecordingSink) {
        let clock = ManualWallClock(1_000)
        let hub = TelemetryHub(identity: identity, clock: clock)
        let sink = RecordingSink()
        hub.add(sink: sink)
        return (hub, clock, sink)
    }

    @Test func aPublishIsStampedWithTheClockAndIdentityAndReachesSinks() {
        let (hub, clock, sink) = hub()
        clock.set(42_000)
        hub.publish(scope: "probe:vle", [Observation(.probeSuccess, 1, [Label("probe", "vle")])])
        #expect(
            sink.groups == [
                SampleGroup(
                    timestampMilliseconds: 42_000,
                    identity: identity,
                    observations: [Observation(.probeSuccess, 1, [Label("probe", "vle")])]
                )
            ]
        )
        #expect(
            hub.latest() == [
                Sample(
                    name: "probe_success",
                    labels: identity.labels + [Label("probe", "vle")],
                    value: 1,
                    timestampMilliseconds: 42_000
                )
            ]
        )
    }

    @Test func aScopesNextPublishReplacesItsSeriesSoNoStaleSeriesRemain() {
        let (hub, _, _) = hub()
        hub.publish(
            scope: "probe:vle",
            [
                Observation(.probeSuccess, 0),
                Observation(.probeFailures, 1, [Label("reason", "timeout")]),
            ]
        )
        hub.publish(scope: "probe:vle", [Observation(.probeSuccess, 1)])
        #expect(hub.latest().map(\.name) == ["probe_success"])
        hub.retire(scope: "probe:vle")
        #expect(hub.latest().isEmpty)
    }

    @Test func latestListsFamiliesInCatalogueOrderWithTheCurrentIdentity() {
        let (hub, _, _) = hub()
        hub.publish(scope: "probe:a", [Observation(.probeSuccess, 1, [Label("probe", "a")])])
        hub.publish(scope: "link", [Observation(.linkUp, 1, [Label("interface", "eth0")])])
        hub.publish(scope: "probe:b", [Observation(.probeSuccess, 0, [Label("probe", "b")])])
        hub.setIdentity(AgentIdentity(trust: "oak-trust", site: "renamed", gateway: "gw1"))
        let latest = hub.latest()
        #expect(latest.map(\.name) == ["netwarden_link_up", "probe_success", "probe_success"])
        #expect(latest.allSatisfy { $0.labels[1] == Label("site", "renamed") })
    }

    @Test func eventsGetIdentityAndUniqueIdsUnlessTheProducerGaveOne() {
        let (hub, clock, sink) = hub()
        clock.set(7_000)
        hub.report([
            EventDraft(kind: .alertFiring, severity: .warning, subject: "vle", evidence: "timeout"),
            EventDraft(kind: .alertResolved, severity: .notice, subject: "vle", evidence: "ok"),
            EventDraft(
                id: "f-abc",
                timestampMilliseconds: 5_000,
                kind: EventKind("filter_leak"),
                severity: .error,
                subject: "adult.example",
                evidence: "TLS handshake completed"
            ),
        ])
        let events = sink.events
        #expect(events.count == 3)
        #expect(Set(events.map(\.id)).count == 3)
        #expect(events[0].id.hasPrefix("e-"))
        #expect(events[2].id == "f-abc")
        #expect(events.map(\.timestampMilliseconds) == [7_000, 7_000, 5_000])
        #expect(events.allSatisfy { $0.identity == identity })
        // A second hub (a restarted daemon) never reuses an id.
        let second = TelemetryHub(identity: identity, clock: clock)
        let again = RecordingSink()
        second.add(sink: again)
        second.report(EventDraft(kind: .alertFiring, severity: .warning, subject: "vle", evidence: "timeout"))
        #expect(again.events[0].id != events[0].id)
    }

    @Test func collectPublishesCollectorsAndTheHubsOwnCounters() {
        let (hub, _, sink) = hub()
        hub.registerCollector(scope: "spool") { [Observation(.spoolRecords, 12)] }
        hub.publish(scope: "link", [Observation(.linkUp, 1), Observation(.linkMTU, 1500)])
        hub.report(EventDraft(kind: .alertFiring, severity: .error, subject: "eth0", evidence: "down"))
        hub.collect()
        #expect(hub.latest(scope: "spool") == [Observation(.spoolRecords, 12)])
        #expect(
            hub.latest(scope: "telemetry") == [
                Observation(.samplesPublished, 3),
                Observation(.eventsPublished, 1, [Label("kind", "alert_firing")]),
            ]
        )
        #expect(sink.groups.count == 3)
    }
}
